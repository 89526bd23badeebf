import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ChatCompletionMessageParam, ChatCompletionTool } from 'openai/resources'
import { fixtureJson } from '../support/fixtures.js'
import { validateSchema } from '../support/openapi-validate.js'
import { startAnthropicHarness, type AnthropicHarness } from '../support/anthropic-harness.js'

interface NockTool { type?: string; name: string; description: string; input_schema: Record<string, unknown> }
interface NockEntry {
  body: { model: string; max_tokens: number; messages: unknown[]; tools: NockTool[]; stream: boolean }
  response: Record<string, unknown>
}

/**
 * A whole tool conversation (call, result, answer) through the adapter, checked against real Anthropic traffic
 * (sdk-ToolRunner.nock.json): what a client sends as OpenAI must reach Anthropic as the SDK's own ToolRunner
 * sent it, and the answers must come back as an OpenAI client expects them.
 */
describe('Anthropic adapter: multi-turn tool conversations from recorded traffic', () => {
  let h: AnthropicHarness
  const entries = fixtureJson<NockEntry[]>('anthropic/sdk-ToolRunner.nock.json')

  beforeAll(async () => {
    // Compile the spec validators before any socket is open: the compile blocks the event loop for seconds.
    for (const name of ['CreateChatCompletionResponse', 'CreateChatCompletionStreamResponse'] as const) validateSchema(name, {})
    h = await startAnthropicHarness()
  })
  afterAll(() => h.close())

  // Entry pairs: a tool call and its answer (the later entries are a compaction flow, replayed elsewhere).
  const pairs: Array<[number, number, Record<string, string>]> = [
    [0, 1, { toolu_011LF2VkWpAfJnTKJcmh1PNf: 'Tool result' }],
    [2, 3, { toolu_01L8GVQapA1HmggQcrwboukH: 'Called with 1', toolu_01J5Fvzxu7DP1Uh59c1kr5JD: 'Called with 2' }],
    [4, 5, { toolu_01BTPr2x4Nduos6gVrE19JZr: 'Tool result' }],
  ]

  it.each(pairs)('entries %i and %i: call, result, answer', async (first, second, results) => {
    const call = entries[first]!
    const answer = entries[second]!
    const tools: ChatCompletionTool[] = call.body.tools.map((t) => ({
      type: 'function', function: { name: t.name, description: t.description, parameters: t.input_schema },
    }))
    // What Anthropic received, but for `type: "custom"`, the default the SDK's ToolRunner spelled out.
    const expectedTools = call.body.tools.map(({ type: _custom, ...rest }) => rest)
    const question = call.body.messages[0] as { content: string }

    // Turn 1: the question; the model calls the tool(s).
    h.upstream.setHandler(() => ({ json: call.response }))
    const conversation: ChatCompletionMessageParam[] = [{ role: 'user', content: question.content }]
    const turn1 = await h.provider.chat({ model: call.body.model, max_tokens: call.body.max_tokens, messages: conversation, tools }, h.ctx())
    expect(h.lastBody()).toEqual({ ...call.body, tools: expectedTools })
    expect(validateSchema('CreateChatCompletionResponse', turn1)).toEqual([])
    const choice = turn1.choices[0]!
    expect(choice.finish_reason).toBe('tool_calls')
    expect(choice.message.tool_calls!.map((c) => c.id)).toEqual(Object.keys(results))

    // Turn 2: the client appends the assistant message as received and one tool message per call.
    conversation.push(choice.message)
    for (const toolCall of choice.message.tool_calls!) conversation.push({ role: 'tool', tool_call_id: toolCall.id, content: results[toolCall.id]! })
    h.upstream.setHandler(() => ({ json: answer.response }))
    const turn2 = await h.provider.chat({ model: call.body.model, max_tokens: call.body.max_tokens, messages: conversation, tools }, h.ctx())
    expect(h.lastBody()).toEqual({ ...answer.body, tools: expectedTools })
    expect(turn2.choices[0]!.finish_reason).toBe('stop')
    expect(turn2.choices[0]!.message.tool_calls).toBeUndefined()
    const answerText = (answer.response.content as Array<{ text: string }>)[0]!.text
    expect(turn2.choices[0]!.message.content).toBe(answerText)
  })
})
