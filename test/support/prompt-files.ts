import { join } from 'node:path'
import { stringify } from 'yaml'
import { readPromptFiles } from '../../src/node.js'
import type { PromptSource } from '../../src/prompt-api/catalog.js'
import { fixtureJson, fixtureText } from './fixtures.js'

export const PROMPTS_DIR = join(import.meta.dirname, '..', '..', 'prompts')

/** The example prompt files that ship in prompts/. */
export function shippedPrompts(): PromptSource[] {
  return readPromptFiles(PROMPTS_DIR)
}

/** A prompt file's text from its front matter (as an object) and its body. */
export function promptText(front: Record<string, unknown>, body: string): string {
  return `---\n${stringify(front)}---\n${body}`
}

/** Front matter for a minimal prompt with one `text` variable; override any field. */
export function basicFront(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: 'echo',
    version: 1,
    status: 'published',
    description: 'Repeats the text.',
    model: 'openai/gpt-4o-mini',
    input: { type: 'object', required: ['text'], properties: { text: { type: 'string', maxLength: 1000 } } },
    ...overrides,
  }
}

export const basicBody = '# system\nRepeat the text.\n\n# user\n{{text}}\n'

export function promptSource(file: string, front: Record<string, unknown>, body = basicBody): PromptSource {
  return { file, text: promptText(front, body) }
}

/** OpenAI's recorded chat completion (test/fixtures) with the assistant's content replaced. */
export function completionWith(content: string): Record<string, unknown> {
  const recorded = fixtureJson<{ choices: Array<{ message: Record<string, unknown> }> } & Record<string, unknown>>('openai/vercel-openai-text.json')
  const [choice] = recorded.choices
  return { ...recorded, choices: [{ ...choice, message: { ...choice!.message, content } }] }
}

/**
 * OpenAI's recorded stream (test/fixtures) re-cut to carry `pieces` as its content deltas: the recorded
 * role chunk first, one chunk per piece, then the recorded finish and usage chunks, then [DONE].
 */
export function streamOf(pieces: readonly string[]): string[] {
  const lines = fixtureText('openai/vercel-openai-text.chunks.txt').split('\n').filter((l) => l.trim() !== '')
  const chunks = lines.map((l) => JSON.parse(l) as { choices: Array<{ delta: Record<string, unknown> }> })
  const first = chunks[0]!
  const template = chunks[1]!
  const tail = chunks.slice(-2)
  const middle = pieces.map((piece) => ({ ...template, choices: [{ ...template.choices[0], delta: { content: piece } }] }))
  return [first, ...middle, ...tail].map((c) => `data: ${JSON.stringify(c)}\n\n`).concat('data: [DONE]\n\n')
}

/** The recorded usage of vercel-openai-text.json (prompt 16, completion 363). */
export const RECORDED_USAGE = { prompt_tokens: 16, completion_tokens: 363, total_tokens: 379 }
/** The recorded usage of the stream's last chunk (prompt 16, completion 300). */
export const RECORDED_STREAM_USAGE = { prompt_tokens: 16, completion_tokens: 300, total_tokens: 316 }

/** Parses an SSE body into its `data:` payloads ([DONE] kept as the string). */
export function ssePayloads(text: string): unknown[] {
  return text.split('\n\n').filter((f) => f.startsWith('data: ')).map((f) => {
    const data = f.slice('data: '.length)
    return data === '[DONE]' ? data : JSON.parse(data)
  })
}
