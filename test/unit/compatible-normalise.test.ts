import { describe, expect, it } from 'vitest'
import type { ChatCompletion, ChatCompletionChunk } from 'openai/resources'
import { normaliseChunks, normaliseCompletion } from '../../providers/compatible-normalise.js'
import { validateSchema } from '../support/openapi-validate.js'

const ctx = { model: 'llama3', nowSeconds: () => 1_750_000_000, newId: () => 'chatcmpl-generated' }

async function run(chunks: unknown[]): Promise<unknown[]> {
  async function* source() {
    for (const chunk of chunks) yield chunk as ChatCompletionChunk
  }
  const out: unknown[] = []
  for await (const chunk of normaliseChunks(source(), ctx)) out.push(chunk)
  return out
}

/** Shapes seen from local servers (Ollama, older vLLM, OpenRouter), written out by hand: no recording holds them. */
describe('compatible-server quirks (hand-written shapes)', () => {
  it('two whole tool calls without index or type, and no id/object/created at all', async () => {
    const out = await run([
      { choices: [{ index: 0, delta: { role: 'assistant', tool_calls: [
        { id: 'a', function: { name: 'f', arguments: '{"x":1}' } },
        { id: 'b', function: { name: 'g', arguments: { y: 2 } } },
      ] } }] },
      { choices: [{ index: 0, delta: {}, finish_reason: 'tool_calls' }], usage: { prompt_tokens: 3, completion_tokens: 4, total_tokens: 7 } },
    ])
    const head = { id: 'chatcmpl-generated', object: 'chat.completion.chunk', created: 1_750_000_000, model: 'llama3' }
    expect(out).toEqual([
      { ...head, choices: [{ index: 0, delta: { role: 'assistant', tool_calls: [
        { id: 'a', index: 0, type: 'function', function: { name: 'f', arguments: '{"x":1}' } },
        { id: 'b', index: 1, type: 'function', function: { name: 'g', arguments: '{"y":2}' } },
      ] }, finish_reason: null }] },
      { ...head, choices: [{ index: 0, delta: {}, finish_reason: 'tool_calls' }] },
      { ...head, choices: [], usage: { prompt_tokens: 3, completion_tokens: 4, total_tokens: 7 } },
    ])
    for (const chunk of out) expect(validateSchema('CreateChatCompletionStreamResponse', chunk)).toEqual([])
  })

  it('argument deltas without index or id continue the call before them', async () => {
    const out = await run([
      { id: 'x', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta: { tool_calls: [{ id: 'a', function: { name: 'f', arguments: '' } }] }, finish_reason: null }] },
      { id: 'x', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta: { tool_calls: [{ function: { arguments: '{}' } }] }, finish_reason: null }] },
    ]) as ChatCompletionChunk[]
    expect(out[1]!.choices[0]!.delta.tool_calls).toEqual([{ index: 0, function: { arguments: '{}' } }])
  })

  it('`reasoning` becomes `reasoning_content`, in deltas and messages', async () => {
    const out = await run([{ id: 'x', object: 'chat.completion.chunk', created: 1, model: 'm', choices: [{ index: 0, delta: { reasoning: 'hmm' }, finish_reason: null }] }]) as ChatCompletionChunk[]
    expect(out[0]!.choices[0]!.delta).toEqual({ reasoning_content: 'hmm' })
    const completion = normaliseCompletion({ choices: [{ index: 0, message: { role: 'assistant', content: 'hi', reasoning: 'hmm' }, finish_reason: 'stop' }] } as unknown as ChatCompletion, ctx)
    expect(completion).toEqual({
      id: 'chatcmpl-generated', object: 'chat.completion', created: 1_750_000_000, model: 'llama3',
      choices: [{ index: 0, message: { role: 'assistant', content: 'hi', refusal: null, reasoning_content: 'hmm' }, finish_reason: 'stop', logprobs: null }],
    })
    expect(validateSchema('CreateChatCompletionResponse', completion)).toEqual([])
  })
})

describe('compatible streams already valid OpenAI', () => {
  const valid = { id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1_750_000_001, model: 'llama3', choices: [{ index: 0, delta: { content: 'hi' }, finish_reason: null }] }

  it('passes a chunk that needs nothing as the very same object (its upstream text kept)', async () => {
    const out = await run([valid, { ...valid, id: '', choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] }])
    expect(out[0]).toBe(valid)
    // A later chunk still takes the stream's id from the untouched first one.
    expect(out[1]).toEqual({ ...valid, choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] })
  })

  it('still rewrites a chunk with anything off: renamed reasoning, tool calls, usage beside choices', async () => {
    const reasoning = { ...valid, choices: [{ index: 0, delta: { reasoning: 'hmm' }, finish_reason: null }] }
    const tools = { ...valid, choices: [{ index: 0, delta: { tool_calls: [{ id: 'c1', function: { name: 'f', arguments: '{}' } }] }, finish_reason: null }] }
    const usage = { ...valid, usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 } }
    const out = await run([reasoning, tools, usage]) as ChatCompletionChunk[]
    expect(out[0]).not.toBe(reasoning)
    expect(out[0]!.choices[0]!.delta).toEqual({ reasoning_content: 'hmm' })
    expect(out[1]!.choices[0]!.delta.tool_calls).toEqual([{ id: 'c1', index: 0, type: 'function', function: { name: 'f', arguments: '{}' } }])
    expect(out.slice(2).map((chunk) => chunk.choices.length)).toEqual([1, 0])
  })
})
