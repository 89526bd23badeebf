import type { ChatCompletion, ChatCompletionChunk } from 'openai/resources'
import { describe, expect, it } from 'vitest'
import { toMessagesResponse } from './from-chat.js'
import { toMessagesEvents, type MessagesEvent } from './to-events.js'

const chunk = (delta: Record<string, unknown>, finish: string | null = null): ChatCompletionChunk =>
  ({ id: 'c1', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta, finish_reason: finish, logprobs: null }] }) as ChatCompletionChunk

async function events(chunks: ChatCompletionChunk[]): Promise<MessagesEvent[]> {
  async function* source() {
    yield* chunks
  }
  const out: MessagesEvent[] = []
  for await (const event of toMessagesEvents(source(), 'my-model')) out.push(event)
  return out
}

describe('chat chunks → Anthropic events', () => {
  it('two parallel tool calls become two tool_use blocks, in order', async () => {
    const out = await events([
      chunk({ role: 'assistant', content: 'Checking both.' }),
      chunk({ tool_calls: [{ index: 0, id: 'call_a', type: 'function', function: { name: 'a', arguments: '{"x":' } }] }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: '1}' } }] }),
      chunk({ tool_calls: [{ index: 1, id: 'call_b', type: 'function', function: { name: 'b', arguments: '{}' } }] }),
      chunk({}, 'tool_calls'),
    ])
    expect(out.slice(1)).toEqual([
      { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
      { type: 'ping' },
      { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Checking both.' } },
      { type: 'content_block_stop', index: 0 },
      { type: 'content_block_start', index: 1, content_block: { type: 'tool_use', id: 'call_a', name: 'a', input: {} } },
      { type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: '{"x":' } },
      { type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: '1}' } },
      { type: 'content_block_stop', index: 1 },
      { type: 'content_block_start', index: 2, content_block: { type: 'tool_use', id: 'call_b', name: 'b', input: {} } },
      { type: 'content_block_delta', index: 2, delta: { type: 'input_json_delta', partial_json: '{}' } },
      { type: 'content_block_stop', index: 2 },
      { type: 'message_delta', delta: { stop_reason: 'tool_use', stop_sequence: null }, usage: { input_tokens: 0, output_tokens: 0, cache_read_input_tokens: 0, cache_creation_input_tokens: 0 } },
      { type: 'message_stop' },
    ])
  })

  it.each([['length', 'max_tokens'], ['stop', 'end_turn'], ['content_filter', 'refusal']])('finish_reason %s → stop_reason %s', async (finish, stop) => {
    const out = await events([chunk({ content: 'x' }, finish)])
    expect(out.at(-2)).toMatchObject({ type: 'message_delta', delta: { stop_reason: stop } })
  })

  it('a refusal is text with stop_reason refusal; cached prompt tokens are cache reads, left out of input_tokens', async () => {
    const usage = { prompt_tokens: 100, completion_tokens: 5, total_tokens: 105, prompt_tokens_details: { cached_tokens: 60 } }
    const out = await events([chunk({ refusal: 'I can\'t help with that.' }), chunk({}, 'stop'), { ...chunk({}), choices: [], usage }])
    expect(out.find((e) => e.type === 'content_block_delta')).toEqual({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'I can\'t help with that.' } })
    expect(out.at(-2)).toEqual({
      type: 'message_delta', delta: { stop_reason: 'refusal', stop_sequence: null },
      usage: { input_tokens: 40, output_tokens: 5, cache_read_input_tokens: 60, cache_creation_input_tokens: 0 },
    })
  })

  it('an answer with no content still has message_start, ping, message_delta and message_stop', async () => {
    const out = await events([chunk({ role: 'assistant' }, 'stop')])
    expect(out.map((e) => e.type)).toEqual(['message_start', 'ping', 'message_delta', 'message_stop'])
  })
})

describe('ChatCompletion → Message', () => {
  it('reasoning, text and a tool call become thinking, text and tool_use blocks', () => {
    const completion = {
      id: 'chatcmpl-1', object: 'chat.completion', created: 1, model: 'm',
      choices: [{
        index: 0, finish_reason: 'length', logprobs: null,
        message: { role: 'assistant', content: 'Partial', refusal: null, reasoning_content: 'Thinking…', tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'f', arguments: 'not json' } }] },
      }],
      usage: { prompt_tokens: 10, completion_tokens: 20, total_tokens: 30 },
    } as unknown as ChatCompletion
    expect(toMessagesResponse(completion, 'claude-sonnet-4-5')).toEqual({
      id: 'msg_chatcmpl-1', type: 'message', role: 'assistant', model: 'claude-sonnet-4-5',
      content: [
        { type: 'thinking', thinking: 'Thinking…', signature: '' },
        { type: 'text', text: 'Partial' },
        { type: 'tool_use', id: 'call_1', name: 'f', input: {} },
      ],
      stop_reason: 'max_tokens', stop_sequence: null,
      usage: { input_tokens: 10, output_tokens: 20, cache_read_input_tokens: 0, cache_creation_input_tokens: 0 },
    })
  })
})
