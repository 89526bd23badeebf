import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startHardeningGateway, type HardeningGateway } from '../support/hardening-gateway.js'
import { validateSchema } from '../support/openapi-validate.js'
import { parseSseBody } from '../support/sse-parse.js'

const MODELS = ['openai/gpt-4o-mini', 'anthropic/claude-haiku-4-5', 'mistral/mistral-small-latest', 'gemini/gemini-2.5-flash'] as const
const text = fc.string({ minLength: 1, maxLength: 40 })
const unit = fc.double({ min: 0, max: 1, noNaN: true })

/** A conversation the OpenAI API accepts: an optional system message, then user and assistant turns, a user turn last. */
const messages = fc.tuple(fc.option(text, { nil: undefined }), fc.array(fc.tuple(text, text), { maxLength: 3 }), text).map(([system, turns, last]) => [
  ...(system === undefined ? [] : [{ role: 'system', content: system }]),
  ...turns.flatMap(([user, assistant]) => [{ role: 'user', content: user }, { role: 'assistant', content: assistant }]),
  { role: 'user', content: last },
])

const anyValidChat = fc.record({
  model: fc.constantFrom(...MODELS),
  messages,
  stream: fc.boolean(),
  temperature: fc.option(unit, { nil: undefined }),
  top_p: fc.option(unit, { nil: undefined }),
  max_tokens: fc.option(fc.integer({ min: 1, max: 4096 }), { nil: undefined }),
  stop: fc.option(fc.oneof(text, fc.array(text, { minLength: 1, maxLength: 4 })), { nil: undefined }),
}, { requiredKeys: ['model', 'messages', 'stream'] })

// Only parameters every provider honours; the Anthropic adapter refuses sampling parameters by design (API
// version 2026-10-21 removed them), so a 400 there is right.
const validChat = anyValidChat.map((request) => {
  if (!request.model.startsWith('anthropic/')) return request
  const { temperature: _temperature, top_p: _topP, ...rest } = request
  return rest
})

/** A value of the wrong kind for each field the gateway validates: one of them replaces a valid field. */
const wrongField: fc.Arbitrary<[string, unknown]> = fc.oneof(
  fc.tuple(fc.constant('model'), fc.oneof(fc.integer(), fc.boolean(), fc.constant(null), fc.array(fc.string()), fc.object())),
  fc.tuple(fc.constant('messages'), fc.oneof(fc.string(), fc.integer(), fc.constant([]), fc.array(fc.oneof(fc.integer(), fc.string(), fc.constant(null)), { minLength: 1 }), fc.object())),
  fc.tuple(fc.constant('temperature'), fc.oneof(fc.string(), fc.boolean(), fc.double({ min: 2.0001, max: 1e300, noNaN: true }), fc.double({ max: -0.0001, min: -1e300, noNaN: true }))),
  fc.tuple(fc.constant('max_tokens'), fc.oneof(fc.string(), fc.integer({ max: 0 }), fc.double({ min: 0.1, max: 0.9 }), fc.constant(1e308))),
  fc.tuple(fc.constant('stream'), fc.oneof(fc.string(), fc.integer(), fc.object())),
  fc.tuple(fc.constant('n'), fc.oneof(fc.string(), fc.integer({ max: 0 }), fc.constant(1e308))),
  fc.tuple(fc.constant('tools'), fc.oneof(fc.string(), fc.integer(), fc.array(fc.integer(), { minLength: 1 }))),
)

describe('properties (fast-check)', () => {
  let h: HardeningGateway
  beforeAll(async () => {
    // Compile the spec validators before any socket is open: the compile blocks the event loop for seconds.
    for (const name of ['CreateChatCompletionResponse', 'CreateChatCompletionStreamResponse', 'ErrorResponse'] as const) validateSchema(name, {})
    h = await startHardeningGateway()
  })
  afterAll(() => h.close())

  const post = (body: string) => h.gw.request('/v1/chat/completions', { method: 'POST', key: h.keys.normal, headers: { 'content-type': 'application/json' }, body })

  it('a random valid chat request round-trips through every adapter into OpenAI shapes', async () => {
    await fc.assert(fc.asyncProperty(validChat, async (request) => {
      const before = h.upstream.requests.length
      const res = await post(JSON.stringify(request))
      expect(res.status).toBe(200)
      expect(h.upstream.requests.length).toBe(before + 1)
      if (request.stream) {
        const { events, done } = parseSseBody(await res.text())
        expect(done).toBe(true)
        expect(events.length).toBeGreaterThan(0)
        for (const chunk of events) expect(validateSchema('CreateChatCompletionStreamResponse', chunk)).toEqual([])
      } else {
        expect(validateSchema('CreateChatCompletionResponse', await res.json())).toEqual([])
      }
    }), { numRuns: 40 })
  })

  it('a random invalid chat request is always a 4xx with an OpenAI error, never a 5xx, and reaches no upstream', async () => {
    const invalid = fc.oneof(
      fc.tuple(validChat, wrongField).map(([request, [field, value]]) => JSON.stringify({ ...request, [field]: value })),
      fc.string().filter((raw) => { try { JSON.parse(raw); return false } catch { return true } }),
      fc.jsonValue().filter((value) => typeof value !== 'object' || value === null || Array.isArray(value)).map((value) => JSON.stringify(value)),
    )
    await fc.assert(fc.asyncProperty(invalid, async (body) => {
      const before = h.upstream.requests.length
      const res = await post(body)
      expect(res.status).toBeGreaterThanOrEqual(400)
      expect(res.status).toBeLessThan(500)
      expect(validateSchema('ErrorResponse', await res.json())).toEqual([])
      expect(h.upstream.requests.length).toBe(before)
    }), { numRuns: 150 })
  })
})
