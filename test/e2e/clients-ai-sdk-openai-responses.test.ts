import { createOpenAI } from '@ai-sdk/openai'
import { generateText, jsonSchema, stepCountIs, streamText, tool } from 'ai'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startClientsHarness, type ClientsHarness } from '../support/clients-harness.js'
import { responsesCases, responsesReplies } from '../support/responses-cases.js'

/** `@ai-sdk/openai` (its default model is the Responses API) against the gateway, every backend behind it. */
describe.each(responsesCases)('@ai-sdk/openai responses → gateway → $provider', (c) => {
  let h: ClientsHarness
  let openai: ReturnType<typeof createOpenAI>

  beforeAll(async () => {
    h = await startClientsHarness({ extra: responsesReplies })
    openai = createOpenAI({ baseURL: h.baseURL, apiKey: h.key })
  })
  afterAll(() => h.close())

  const lookup = () => tool({
    description: 'Look something up',
    inputSchema: jsonSchema<Record<string, unknown>>({ type: 'object', properties: { city: { type: 'string' }, location: { type: 'string' }, a: { type: 'number' }, b: { type: 'number' }, op: { type: 'string' } } }),
    // The tool's result goes back to the model, which then answers with text.
    execute: () => {
      h.play('text')
      return Promise.resolve({ result: 'sunny' })
    },
  })

  it('generateText: the recorded answer through /v1/responses', async () => {
    h.play('text')
    const result = await generateText({ model: openai(c.model), prompt: 'Invent a holiday', maxRetries: 0 })
    expect(result.text).toBe(c.jsonText)
    expect(result.usage.inputTokens).toBeGreaterThan(0)
  })

  it('generateText with a tool: the call, its result sent back, then the answer', async () => {
    h.play('tool')
    const result = await generateText({ model: openai(c.model), prompt: 'Use the tool', tools: { [c.toolName]: lookup() }, stopWhen: stepCountIs(2), maxRetries: 0 })
    expect(result.steps[0]!.toolCalls.map((call) => [call.toolName, call.input])).toEqual([[c.toolName, c.toolArgs]])
    expect(result.text).toBe(c.jsonText)
    expect(JSON.stringify(h.upstream.requests.at(-1)!.body)).toContain('sunny')
  })

  it('streamText with a tool: the streamed call, then the streamed answer', async () => {
    h.play('tool')
    const result = streamText({ model: openai(c.model), prompt: 'Use the tool', tools: { [c.toolName]: lookup() }, stopWhen: stepCountIs(2), maxRetries: 0 })
    let text = ''
    for await (const delta of result.textStream) text += delta
    const steps = await result.steps
    expect(steps[0]!.toolCalls.map((call) => [call.toolName, call.input])).toEqual([[c.toolName, c.toolArgs]])
    expect(steps.at(-1)!.text).toBe(c.streamText)
    expect(text.endsWith(c.streamText)).toBe(true)
  })
})
