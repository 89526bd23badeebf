import { describe, expect, it } from 'vitest'
import { fixtureJson } from '../support/fixtures.js'
import { validateSchema } from '../support/openapi-validate.js'

describe('the spec validator used by the suite', () => {
  it('accepts a recorded OpenAI response and rejects a broken one', () => {
    const recorded = fixtureJson<Record<string, unknown>>('openai/vercel-openai-text.json')
    expect(validateSchema('CreateChatCompletionResponse', recorded)).toEqual([])
    expect(validateSchema('CreateChatCompletionResponse', { ...recorded, choices: 'nope' })).not.toEqual([])
    expect(validateSchema('ErrorResponse', { error: { message: 'm', type: 't', param: null, code: null } })).toEqual([])
    expect(validateSchema('ErrorResponse', { error: { type: 't' } })).not.toEqual([])
  })
})
