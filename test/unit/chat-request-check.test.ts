import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { isValidChatRequest } from '../../src/openai/chat-request-check.js'
import { chatRequestSchema, parseChatRequest } from '../../src/openai/chat-request.js'

/** Values of every JSON kind, including the edges the schema's bounds and types sit on. */
const edgeValue = fc.constantFrom<unknown>(
  undefined, null, true, false, 0, 1, -1, 0.5, 1.5, 2, 2.5, -2, -2.5, 4, 128, 129, 1e20, '', 'x', 'auto', 'none', 'required',
  'text', 'json_object', 'json_schema', 'user', 'assistant', [], ['a'], ['a', 'b', 'c', 'd', 'e'], [1], {}, { type: 'function' },
  { type: 'text' }, { type: 1 }, { include_usage: true }, { include_usage: 'yes' }, [{}], [{ type: 'text', text: 'hi' }],
)

/** Mostly a value the field accepts, sometimes any edge value: so that both answers come up often. */
function field(...accepted: unknown[]): fc.Arbitrary<unknown> {
  return fc.oneof({ arbitrary: fc.constantFrom(...accepted), weight: 6 }, { arbitrary: edgeValue, weight: 1 })
}

const message = fc.record({
  role: field('system', 'developer', 'user', 'assistant', 'tool', 'function'),
  content: field('hi', null, [{ type: 'text', text: 'hi' }]),
  name: field('alice'),
  tool_call_id: field('call_1'),
  tool_calls: field([{ id: 'call_1', type: 'function', function: { name: 'f', arguments: '{}' } }], [{ id: 'c', type: 'function' }],
    [{ id: 'c', type: 'function', function: { name: 'f', arguments: {} } }], [{ type: 'function' }]),
}, { requiredKeys: ['role'] })

const tool = fc.record({
  type: field('function'),
  function: fc.record({ name: field('lookup'), description: field('finds'), parameters: field({ type: 'object' }) }, { requiredKeys: [] }),
}, { requiredKeys: ['type'] })

const body = fc.record({
  model: field('openai/gpt-4o-mini'),
  messages: fc.oneof({ arbitrary: fc.array(message, { minLength: 1, maxLength: 3 }), weight: 6 }, { arbitrary: edgeValue, weight: 1 }),
  stream: field(true, false, null),
  stream_options: field({ include_usage: true }, {}, null),
  n: field(1, 2, 128),
  temperature: field(0, 0.7, 2, null),
  top_p: field(0, 0.3, 1),
  max_tokens: field(1, 100),
  max_completion_tokens: field(5),
  presence_penalty: field(-2, 0, 2),
  frequency_penalty: field(-1.5, 1),
  seed: field(42, -7),
  stop: field('x', ['a', 'b'], null),
  tools: fc.oneof({ arbitrary: fc.array(tool, { maxLength: 2 }), weight: 6 }, { arbitrary: edgeValue, weight: 1 }),
  tool_choice: field('auto', 'none', { type: 'function', function: { name: 'f' } }),
  response_format: field({ type: 'json_object' }, { type: 'json_schema', json_schema: {} }),
  user: field('u-1'),
}, { requiredKeys: ['model', 'messages'] })

describe('the chat request fast check', () => {
  it('accepts exactly what the schema accepts', () => {
    let accepted = 0
    fc.assert(fc.property(body, (candidate) => {
      const valid = chatRequestSchema.safeParse(candidate).success
      if (valid) accepted++
      expect(isValidChatRequest(candidate)).toBe(valid)
    }), { numRuns: 5000 })
    // Both answers were exercised, not only refusals: about 2% of the bodies generated are valid (≈ 100 of 5,000,
    // varying with the run's seed), so the guard sits well below that and still fails if none or almost none are.
    expect(accepted).toBeGreaterThan(25)
  })

  it('passes the body on as it is, not a copy', () => {
    const request = { model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], metadata: { team: 'a' } }
    expect(parseChatRequest(request)).toBe(request)
  })

  it('still words the first bad field the way the schema does', () => {
    expect(() => parseChatRequest({ model: 'm', messages: [] })).toThrow("Invalid value for 'messages'")
    expect(() => parseChatRequest({ model: 'm', messages: [{ role: 'user', content: 'hi' }], temperature: 3 })).toThrow("Invalid value for 'temperature'")
    expect(() => parseChatRequest({ messages: [{ role: 'user', content: 'hi' }] })).toThrow("Missing required parameter: 'model'.")
  })
})
