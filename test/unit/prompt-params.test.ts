import { describe, expect, it } from 'vitest'
import { parsePromptFile } from '../../src/prompt-api/prompt-file.js'

const file = 'prompts/echo.v1.md'

function withParams(paramsYaml: string): string {
  return [
    '---', 'name: echo', 'version: 1', 'status: published', 'description: Repeats the text.', 'model: openai/gpt-4o-mini',
    'params:', paramsYaml,
    'input:', '  type: object', '  properties:', '    text: { type: string }', '---', '# user', '{{text}}', '',
  ].join('\n')
}

describe('prompt front matter params are typed', () => {
  it('a mis-indented line read as one string fails the load, naming file and field', () => {
    expect(() => parsePromptFile(file, withParams('  max_tokens: 100\n    temperature 0.5'))).toThrow(
      `${file}: invalid front matter: params.max_tokens: expected a number, such as 100 (is the line mis-indented?)`,
    )
  })

  it('numbers out of range and wrong kinds are refused by field', () => {
    expect(() => parsePromptFile(file, withParams('  temperature: 3'))).toThrow(`${file}: invalid front matter: params.temperature: expected at most 2`)
    expect(() => parsePromptFile(file, withParams('  max_tokens: 10.5'))).toThrow(`${file}: invalid front matter: params.max_tokens: expected a whole number`)
    expect(() => parsePromptFile(file, withParams('  stop: 3'))).toThrow(`${file}: invalid front matter: params.stop: expected a string or a list of up to 4 strings`)
    expect(() => parsePromptFile(file, withParams('  reasoning_effort: huge'))).toThrow(`${file}: invalid front matter: params.reasoning_effort: expected none, minimal, low, medium, high, xhigh or max`)
  })

  it('well-typed params load as written, and parameters it does not know pass through', () => {
    const prompt = parsePromptFile(file, withParams('  max_tokens: 100\n  temperature: 0.5\n  stop: ["\\n"]\n  top_k: 40'))
    expect(prompt.params).toEqual({ max_tokens: 100, temperature: 0.5, stop: ['\n'], top_k: 40 })
  })
})
