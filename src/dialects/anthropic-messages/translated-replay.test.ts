import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { providerCases, startClientsHarness, type ClientsHarness } from '../../../test/support/clients-harness.js'
import { fixtureText } from '../../../test/support/fixtures.js'
import { parseAnthropicSse, describeEvents, type AnthropicFrame } from '../../../test/support/messages-sse.js'
import { sseFromRaw } from '../../../test/support/mock-upstream.js'

let h: ClientsHarness

beforeAll(async () => {
  h = await startClientsHarness()
})
afterAll(() => h.close())
beforeEach(() => {
  h.upstream.requests.length = 0
})

async function stream(model: string): Promise<AnthropicFrame[]> {
  const res = await fetch(`${h.gw.url}/v1/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': h.key, 'anthropic-version': '2023-06-01' },
    body: JSON.stringify({ model, max_tokens: 100, stream: true, messages: [{ role: 'user', content: 'What is the weather?' }] }),
  })
  expect(res.status).toBe(200)
  expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/)
  const frames = parseAnthropicSse(await res.text())
  // Every frame carries its event line, and it names the frame's type (the SDKs dispatch on it).
  for (const frame of frames) expect(frame.event).toBe(frame.data.type)
  return frames
}

const usage = (input: number, output: number) => ({ input_tokens: input, output_tokens: output, cache_read_input_tokens: 0, cache_creation_input_tokens: 0 })

describe('POST /v1/messages translated from a non-Anthropic backend', () => {
  it('OpenAI tool call → exactly the tool_use event sequence', async () => {
    h.play('tool')
    const frames = await stream('openai/gpt-4.1-nano')
    expect(describeEvents(frames)).toEqual([
      'message_start',
      'content_block_start 0 tool_use get_weather call_4XzlGBLtUe9dy3GVNV4jhq7h',
      'ping',
      'input_json_delta 0 {"', 'input_json_delta 0 city', 'input_json_delta 0 ":"', 'input_json_delta 0 New',
      'input_json_delta 0  York', 'input_json_delta 0  City', 'input_json_delta 0 "}',
      'content_block_stop 0',
      'message_delta tool_use',
      'message_stop',
    ])
    expect(frames[0]!.data).toEqual({
      type: 'message_start',
      message: {
        id: 'msg_chatcmpl-ABfwERreu9s99xXsVuOWtIB2UOx62', type: 'message', role: 'assistant', model: 'openai/gpt-4.1-nano',
        content: [], stop_reason: null, stop_sequence: null, usage: usage(0, 0),
      },
    })
    expect(frames.at(-2)!.data).toEqual({ type: 'message_delta', delta: { stop_reason: 'tool_use', stop_sequence: null }, usage: usage(44, 16) })
  })

  it('OpenAI text → one text block with the recorded text, end_turn', async () => {
    h.play('text')
    const frames = await stream('openai/gpt-4.1-nano')
    const events = describeEvents(frames)
    expect(events.slice(0, 3)).toEqual(['message_start', 'content_block_start 0 text', 'ping'])
    expect(events.slice(-3)).toEqual(['content_block_stop 0', 'message_delta end_turn', 'message_stop'])
    expect(events.slice(3, -3).every((e) => e.startsWith('text_delta 0 '))).toBe(true)
    const text = frames.map((f) => (f.data.delta as { text?: string } | undefined)?.text ?? '').join('')
    expect(text).toBe(providerCases.find((c) => c.provider === 'openai')!.streamText)
    expect(frames.at(-2)!.data.usage).toEqual(usage(16, 300))
  })

  it('Mistral tool call (no index, no type in the recording) → one tool_use block', async () => {
    h.play('tool')
    const frames = await stream('mistral/mistral-small-latest')
    expect(describeEvents(frames)).toEqual([
      'message_start',
      'content_block_start 0 tool_use weather gSIMJiOkT',
      'ping',
      'input_json_delta 0 {"location": "San Francisco"}',
      'content_block_stop 0',
      'message_delta tool_use',
      'message_stop',
    ])
    expect(frames.at(-2)!.data.usage).toEqual(usage(124, 22))
  })

  it('Gemini function call → one tool_use block with the whole arguments', async () => {
    h.play('tool')
    const frames = await stream('gemini/gemini-2.5-flash')
    expect(describeEvents(frames)).toEqual([
      'message_start',
      // Gemini sends no call ids: the gateway makes them.
      expect.stringMatching(/^content_block_start 0 tool_use weather call_[0-9a-f]{24}$/),
      'ping',
      'input_json_delta 0 {"location":"San Francisco"}',
      'content_block_stop 0',
      'message_delta tool_use',
      'message_stop',
    ])
  })

  it('Gemini thoughts → a thinking block (thinking_delta) before the tool_use block', async () => {
    h.upstream.setHandler(() => ({ sse: sseFromRaw(fixtureText('gemini/firebase-streaming-success-thinking-function-call-thought-summary-signature.txt')) }))
    const frames = await stream('gemini/gemini-2.5-flash')
    const events = describeEvents(frames).map((e) => e.replace(/^(thinking_delta 0) [\s\S]*$/, '$1'))
    expect(events).toEqual([
      'message_start',
      'content_block_start 0 thinking',
      'ping',
      'thinking_delta 0', 'thinking_delta 0',
      'content_block_stop 0',
      expect.stringMatching(/^content_block_start 1 tool_use now call_/),
      'input_json_delta 1 {}',
      'content_block_stop 1',
      'message_delta tool_use',
      'message_stop',
    ])
    expect(frames[1]!.data.content_block).toEqual({ type: 'thinking', thinking: '', signature: '' })
    expect((frames[3]!.data.delta as { thinking: string }).thinking).toMatch(/^\*\*Calculating the Days\*\*/)
  })

  it('DeepSeek reasoning_content → thinking block, then the tool call, on an OpenAI-compatible backend', async () => {
    h.play('tool')
    const events = describeEvents(await stream('compat/deepseek-reasoner'))
    const kinds = events.map((e) => e.split(' ').slice(0, 2).join(' '))
    const collapsed = kinds.filter((k, i) => k !== kinds[i - 1])
    expect(collapsed).toEqual([
      'message_start', 'content_block_start 0', 'ping', 'thinking_delta 0', 'content_block_stop 0',
      'content_block_start 1', 'input_json_delta 1', 'content_block_stop 1', 'message_delta tool_use', 'message_stop',
    ])
  })
})
