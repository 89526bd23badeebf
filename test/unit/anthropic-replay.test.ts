import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ChatCompletion } from '../../providers/types.js'
import { FIXTURES_DIR, fixtureJson } from '../support/fixtures.js'
import { validateSchema } from '../support/openapi-validate.js'
import {
  anthropicFrames, assemble, chatRequest, collect, FIXED_CREATED, startAnthropicHarness, type AnthropicHarness,
} from '../support/anthropic-harness.js'

const usage = (prompt: number, completion: number, cached = 0, written = 0) => ({
  prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion,
  prompt_tokens_details: { cached_tokens: cached, cache_write_tokens: written },
})

const jsonObject = { response_format: { type: 'json_object' as const } }
const jsonTool = { tools: [{ type: 'function' as const, function: { name: 'json', parameters: { type: 'object' } } }] }

describe('Anthropic adapter: recorded responses replayed (non-streaming)', () => {
  let h: AnthropicHarness
  beforeAll(async () => {
    // Compile the spec validators before any socket is open: the compile blocks the event loop for seconds.
    for (const name of ['CreateChatCompletionResponse', 'CreateChatCompletionStreamResponse'] as const) validateSchema(name, {})
    h = await startAnthropicHarness()
  })
  afterAll(() => h.close())

  async function replay(fixture: string, fields: Parameters<typeof chatRequest>[0] = {}): Promise<ChatCompletion> {
    h.upstream.setHandler(() => ({ json: fixtureJson(`anthropic/${fixture}`) }))
    const completion = await h.provider.chat(chatRequest(fields), h.ctx())
    expect(validateSchema('CreateChatCompletionResponse', completion)).toEqual([])
    return completion
  }

  it('vercel-anthropic-text.json: text, end_turn → stop, usage', async () => {
    expect(await replay('vercel-anthropic-text.json')).toEqual({
      id: 'msg_01VdEjxAP5ahtHKrrRdNBteQ',
      object: 'chat.completion',
      created: FIXED_CREATED,
      model: 'claude-sonnet-4-5-20250929',
      choices: [{
        index: 0,
        message: {
          role: 'assistant',
          content: "Hello! I'm doing well, thanks for asking. How are you doing today? Is there anything I can help you with?",
          refusal: null,
        },
        finish_reason: 'stop',
        logprobs: null,
      }],
      usage: usage(12, 29),
    })
  })

  it('vercel-anthropic-tool-no-args.json: text and a tool call without arguments → `{}`', async () => {
    const completion = await replay('vercel-anthropic-tool-no-args.json')
    expect(completion.choices[0]).toEqual({
      index: 0,
      message: {
        role: 'assistant',
        content: '<thinking>\nThe updateIssueList tool was provided in the list of available functions. The tool has no required parameters, so it can be called without any additional information needed from the user.\n</thinking>\n\nOkay, I will update the current issue list:',
        refusal: null,
        tool_calls: [{ id: 'toolu_01LRmxn9vGM1d2DZSDBowdZ1', type: 'function', function: { name: 'updateIssueList', arguments: '{}' } }],
      },
      finish_reason: 'tool_calls',
      logprobs: null,
    })
    expect(completion.model).toBe('claude-3-opus-20240229')
    expect(completion.usage).toEqual(usage(602, 93))
  })

  it('vercel-anthropic-json-tool.1.json as the answer to response_format json_object → message text', async () => {
    const completion = await replay('vercel-anthropic-json-tool.1.json', jsonObject)
    const choice = completion.choices[0]!
    expect(choice.finish_reason).toBe('stop')
    expect(choice.message.tool_calls).toBeUndefined()
    expect(JSON.parse(choice.message.content!)).toEqual({
      elements: [
        { location: 'San Francisco', temperature: -5, condition: 'snowy' },
        { location: 'London', temperature: 0, condition: 'snowy' },
        { location: 'Paris', temperature: 23, condition: 'cloudy' },
        { location: 'Berlin', temperature: -9, condition: 'snowy' },
      ],
    })
    expect(completion.usage).toEqual(usage(1151, 87))
  })

  it('vercel-anthropic-json-tool.1.json for a caller who defined a `json` tool → a tool call', async () => {
    const completion = await replay('vercel-anthropic-json-tool.1.json', jsonTool)
    const choice = completion.choices[0]!
    expect(choice.finish_reason).toBe('tool_calls')
    expect(choice.message.content).toBeNull()
    const call = choice.message.tool_calls![0]!
    expect(call.type === 'function' && call.function.name).toBe('json')
    expect(call.type === 'function' && JSON.parse(call.function.arguments)).toEqual({
      elements: [
        { location: 'San Francisco', temperature: -5, condition: 'snowy' },
        { location: 'London', temperature: 0, condition: 'snowy' },
        { location: 'Paris', temperature: 23, condition: 'cloudy' },
        { location: 'Berlin', temperature: -9, condition: 'snowy' },
      ],
    })
  })

  it('vercel-anthropic-refusal.json: refusal → content_filter, with the explanation as refusal', async () => {
    const completion = await replay('vercel-anthropic-refusal.json')
    expect(completion.choices[0]).toEqual({
      index: 0,
      message: {
        role: 'assistant',
        content: null,
        refusal: "This request triggered restrictions on violative cyber content and was blocked under Anthropic's Usage Policy.",
      },
      finish_reason: 'content_filter',
      logprobs: null,
    })
    expect(completion.usage).toEqual(usage(18, 5))
  })

  it('sdk-ToolRunner.nock.json: every recorded response translates (text, tool calls, finish reason, usage)', async () => {
    interface Block { type: string; text?: string; id?: string; name?: string; input?: unknown }
    interface Entry { response: { content: Block[]; stop_reason: string; usage: { input_tokens: number; output_tokens: number } } }
    const entries = fixtureJson<Entry[]>('anthropic/sdk-ToolRunner.nock.json')
    expect(entries).toHaveLength(10)
    for (const entry of entries) {
      h.upstream.setHandler(() => ({ json: entry.response }))
      const completion = await h.provider.chat(chatRequest(), h.ctx())
      expect(validateSchema('CreateChatCompletionResponse', completion)).toEqual([])
      const message = completion.choices[0]!.message
      const texts = entry.response.content.filter((b) => b.type === 'text').map((b) => b.text).join('')
      const uses = entry.response.content.filter((b) => b.type === 'tool_use')
      expect(message.content).toBe(uses.length > 0 && texts === '' ? null : texts)
      expect((message.tool_calls ?? []).map((c) => c.type === 'function' && { id: c.id, name: c.function.name, input: JSON.parse(c.function.arguments) as unknown }))
        .toEqual(uses.map((b) => ({ id: b.id, name: b.name, input: b.input })))
      expect(completion.choices[0]!.finish_reason).toBe(entry.response.stop_reason === 'tool_use' ? 'tool_calls' : 'stop')
      expect(completion.usage).toEqual(usage(entry.response.usage.input_tokens, entry.response.usage.output_tokens))
    }
  })

  it('thinking blocks become reasoning_content; cache reads and writes count as prompt tokens', async () => {
    h.upstream.setHandler(() => ({
      json: {
        id: 'msg_think', type: 'message', role: 'assistant', model: 'claude-opus-4-8', stop_reason: 'end_turn', stop_sequence: null,
        content: [{ type: 'thinking', thinking: 'Two and two.', signature: 'sig' }, { type: 'text', text: '4' }],
        usage: { input_tokens: 10, cache_read_input_tokens: 100, cache_creation_input_tokens: 20, output_tokens: 30, output_tokens_details: { thinking_tokens: 12 } },
      },
    }))
    const completion = await h.provider.chat(chatRequest(), h.ctx())
    expect(completion.choices[0]!.message).toEqual({ role: 'assistant', content: '4', refusal: null, reasoning_content: 'Two and two.' })
    expect(completion.usage).toEqual({ ...usage(130, 30, 100, 20), completion_tokens_details: { reasoning_tokens: 12 } })
    expect(validateSchema('CreateChatCompletionResponse', completion)).toEqual([])
  })
})

describe('Anthropic adapter: recorded streams replayed', () => {
  let h: AnthropicHarness
  beforeAll(async () => {
    // Compile the spec validators before any socket is open: the compile blocks the event loop for seconds.
    for (const name of ['CreateChatCompletionResponse', 'CreateChatCompletionStreamResponse'] as const) validateSchema(name, {})
    h = await startAnthropicHarness()
  })
  afterAll(() => h.close())

  const replayed = new Set<string>()

  async function replay(fixture: string, fields: Parameters<typeof chatRequest>[0] = {}) {
    replayed.add(fixture)
    h.upstream.setHandler(() => ({ sse: anthropicFrames(fixture) }))
    const chunks = await collect(await h.provider.chatStream(chatRequest({ ...fields, stream: true }), h.ctx()))
    for (const chunk of chunks) expect(validateSchema('CreateChatCompletionStreamResponse', chunk)).toEqual([])
    // The role comes first, the usage chunk (no choices) last, and nothing follows the finish reason but usage.
    expect(chunks[0]!.choices[0]!.delta).toEqual({ role: 'assistant', content: '' })
    expect(chunks.at(-1)!.choices).toEqual([])
    expect(chunks.at(-2)!.choices[0]!.finish_reason).not.toBeNull()
    expect(chunks.filter((c) => c.choices[0]?.finish_reason)).toHaveLength(1)
    return { chunks, out: assemble(chunks) }
  }

  it('sdk-tool_use_response.sse: exact chunks (role, text, tool call head, argument deltas, finish, usage)', async () => {
    const { chunks } = await replay('sdk-tool_use_response.sse')
    const base = { id: 'msg_019Q1hrJbZG26Fb9BQhrkHEr', object: 'chat.completion.chunk', created: FIXED_CREATED, model: 'claude-opus-4-8' }
    const delta = (d: object, finish: string | null = null) => ({ ...base, choices: [{ index: 0, delta: d, finish_reason: finish, logprobs: null }] })
    const args = (text: string) => delta({ tool_calls: [{ index: 0, function: { arguments: text } }] })
    expect(chunks).toEqual([
      delta({ role: 'assistant', content: '' }),
      delta({ content: 'I' }),
      delta({ content: "'ll check the current weather in Paris for you." }),
      delta({ tool_calls: [{ index: 0, id: 'toolu_01NRLabsLyVHZPKxbKvkfSMn', type: 'function', function: { name: 'get_weather', arguments: '' } }] }),
      args('{"locati'), args('on": "P'), args('ar'), args('is"}'),
      delta({}, 'tool_calls'),
      { ...base, choices: [], usage: usage(377, 65) },
    ])
  })

  it('sdk-basic_response.sse: text', async () => {
    const { out } = await replay('sdk-basic_response.sse')
    expect(out).toEqual({ content: 'Hello there!', reasoning: '', toolCalls: [], finishReason: 'stop', usage: usage(11, 6) })
  })

  it('sdk-incomplete_partial_json_response.sse: max_tokens mid-arguments → length, arguments as sent', async () => {
    const { out } = await replay('sdk-incomplete_partial_json_response.sse')
    expect(out.content).toBe("I'll create a comprehensive tax guide for someone with multiple W2s and save it in a file called taxes.txt. Let me do that for you now.")
    expect(out.toolCalls).toEqual([{
      id: 'toolu_01EKqbqmZrGRXy18eN7m9kvY',
      name: 'make_file',
      arguments: '{"filename": "taxes.txt", "lines_of_text": [\n"# COMPREHENSIVE TAX GUIDE FOR INDIVIDUALS WITH MULTIPLE W-2s",\n"",\n"## INTRODUCTION",\n"",\n"Filing taxes',
    }])
    expect(out.finishReason).toBe('length')
    expect(out.usage).toEqual(usage(450, 124))
  })

  it('vercel-anthropic-text.chunks.txt: text, pings ignored', async () => {
    const { out } = await replay('vercel-anthropic-text.chunks.txt')
    expect(out).toEqual({
      content: "Hello! I'm doing well, thank you for asking. How are you doing today? Is there anything I can help you with?",
      reasoning: '', toolCalls: [], finishReason: 'stop', usage: usage(12, 30),
    })
  })

  it('vercel-anthropic-tool-no-args.chunks.txt: a tool call without argument deltas still gets `{}`', async () => {
    const { out } = await replay('vercel-anthropic-tool-no-args.chunks.txt')
    expect(out).toEqual({
      content: "I'll update the issue list for you.",
      reasoning: '',
      toolCalls: [{ id: 'toolu_01QE1WLsSVp5hy5Q3GmGTmjP', name: 'updateIssueList', arguments: '{}' }],
      finishReason: 'tool_calls',
      usage: usage(565, 48),
    })
    expect(JSON.parse(out.toolCalls[0]!.arguments)).toEqual({})
  })

  it('vercel-anthropic-json-tool.1.chunks.txt as the answer to json_object → content deltas, stop', async () => {
    const { out } = await replay('vercel-anthropic-json-tool.1.chunks.txt', jsonObject)
    expect(out.toolCalls).toEqual([])
    expect(JSON.parse(out.content)).toEqual({ elements: [{ location: 'San Francisco', temperature: 58, condition: 'sunny' }] })
    expect(out.finishReason).toBe('stop')
    expect(out.usage).toEqual(usage(849, 47))
  })

  it('vercel-anthropic-json-tool.1.chunks.txt for a caller-defined `json` tool → tool call deltas', async () => {
    const { out } = await replay('vercel-anthropic-json-tool.1.chunks.txt', jsonTool)
    expect(out.content).toBe('')
    expect(out.toolCalls.map((c) => ({ ...c, arguments: JSON.parse(c.arguments) as unknown }))).toEqual([
      { id: 'toolu_01KFbKqPYSuAKujiL6mTfzYA', name: 'json', arguments: { elements: [{ location: 'San Francisco', temperature: 58, condition: 'sunny' }] } },
    ])
    expect(out.finishReason).toBe('tool_calls')
  })

  it('vercel-anthropic-message-delta-input-tokens.chunks.txt: message_delta cumulative input supersedes message_start', async () => {
    const { out } = await replay('vercel-anthropic-message-delta-input-tokens.chunks.txt')
    expect(out).toEqual({ content: 'pong', reasoning: '', toolCalls: [], finishReason: 'stop', usage: usage(61, 2) })
  })

  it('thinking deltas stream as reasoning_content; signatures are not output', async () => {
    const events = [
      { type: 'message_start', message: { id: 'msg_t', type: 'message', role: 'assistant', model: 'claude-opus-4-8', content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 5, cache_read_input_tokens: 7, output_tokens: 1 } } },
      { type: 'content_block_start', index: 0, content_block: { type: 'thinking', thinking: '', signature: '' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'thinking_delta', thinking: 'Let me think.' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'signature_delta', signature: 'abc' } },
      { type: 'content_block_stop', index: 0 },
      { type: 'content_block_start', index: 1, content_block: { type: 'text', text: '' } },
      { type: 'content_block_delta', index: 1, delta: { type: 'text_delta', text: 'Done.' } },
      { type: 'content_block_stop', index: 1 },
      { type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: 9, output_tokens_details: { thinking_tokens: 4 } } },
      { type: 'message_stop' },
    ]
    h.upstream.setHandler(() => ({ sse: events.map((e) => `event: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`) }))
    const chunks = await collect(await h.provider.chatStream(chatRequest({ stream: true }), h.ctx()))
    for (const chunk of chunks) expect(validateSchema('CreateChatCompletionStreamResponse', chunk)).toEqual([])
    expect(assemble(chunks)).toEqual({
      content: 'Done.', reasoning: 'Let me think.', toolCalls: [], finishReason: 'stop',
      usage: { ...usage(12, 9, 7), completion_tokens_details: { reasoning_tokens: 4 } },
    })
  })

  it('a streamed refusal gives its explanation as a refusal delta and content_filter', async () => {
    const events = [
      { type: 'message_start', message: { id: 'msg_r', type: 'message', role: 'assistant', model: 'claude-fable-5', content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 18, output_tokens: 1 } } },
      { type: 'message_delta', delta: { stop_reason: 'refusal', stop_sequence: null, stop_details: { type: 'refusal', category: 'cyber', explanation: 'Blocked.' } }, usage: { output_tokens: 5 } },
      { type: 'message_stop' },
    ]
    h.upstream.setHandler(() => ({ sse: events.map((e) => `event: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`) }))
    const chunks = await collect(await h.provider.chatStream(chatRequest({ stream: true }), h.ctx()))
    for (const chunk of chunks) expect(validateSchema('CreateChatCompletionStreamResponse', chunk)).toEqual([])
    expect(chunks.map((c) => c.choices[0] ? [c.choices[0].delta, c.choices[0].finish_reason] : 'usage')).toEqual([
      [{ role: 'assistant', content: '' }, null],
      [{ refusal: 'Blocked.' }, null],
      [{}, 'content_filter'],
      'usage',
    ])
  })

  it('every recorded stream in the folder was replayed by a test above', () => {
    // The folder is read, not listed here: a stream recorded later fails this test until a test replays it.
    const recorded = readdirSync(join(FIXTURES_DIR, 'anthropic')).filter((name) => name.endsWith('.sse') || name.endsWith('.chunks.txt'))
    expect(recorded.length).toBeGreaterThan(0)
    expect(recorded.filter((name) => !replayed.has(name))).toEqual([])
  })
})
