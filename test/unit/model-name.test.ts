import { describe, expect, it } from 'vitest'
import { GatewayError } from '../../src/errors.js'
import { validateModelName, validateUpstreamModel } from '../../src/routing/model-name.js'

describe('validateModelName', () => {
  it.each([
    'openai/gpt-4o-mini', 'ollama/llama3.1:8b', 'openrouter/meta-llama/llama-3.3-70b-instruct:free',
    'together/Qwen/Qwen2.5-72B-Instruct-Turbo', 'anthropic/claude-haiku-4-5@20251001', 'duo', 'my_route+v2',
  ])('accepts the real name %s', (name) => {
    expect(() => validateModelName(name)).not.toThrow()
  })

  it.each(['', '..', 'a/../b', 'a/./b', '/a', 'a/', 'a%2fb', 'a#b', 'a?b', 'a b', 'a\tb', 'a\u0000b', 'mödel', 'a\\b'])('refuses %j with a 400 invalid_model', (name) => {
    let thrown: unknown
    try {
      validateModelName(name, 'x-manifold-route')
    } catch (err) {
      thrown = err
    }
    expect(thrown).toBeInstanceOf(GatewayError)
    expect((thrown as GatewayError).toJSON().error).toMatchObject({ type: 'invalid_request_error', code: 'invalid_model', param: 'x-manifold-route' })
    expect((thrown as GatewayError).status).toBe(400)
  })

  it('keeps Gemini model names to one path segment; other providers may nest', () => {
    expect(() => validateUpstreamModel('gemini', 'tunedModels/x', 'gemini/tunedModels/x')).toThrow(GatewayError)
    expect(() => validateUpstreamModel('gemini', 'gemini-2.5-flash', 'gemini/gemini-2.5-flash')).not.toThrow()
    expect(() => validateUpstreamModel('openai-compatible', 'meta-llama/llama-3.3-70b-instruct', 'together/meta-llama/llama-3.3-70b-instruct')).not.toThrow()
  })
})
