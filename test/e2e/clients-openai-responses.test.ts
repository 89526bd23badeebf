import OpenAI from 'openai'
import type { ResponseFunctionToolCall, ResponseInputItem } from 'openai/resources/responses/responses'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startClientsHarness, type ClientsHarness } from '../support/clients-harness.js'
import { responsesCases as cases, responsesReplies } from '../support/responses-cases.js'

const tool = (name: string): OpenAI.Responses.FunctionTool => ({
  type: 'function', name, strict: false, description: 'Look something up',
  parameters: { type: 'object', properties: { city: { type: 'string' }, location: { type: 'string' }, a: { type: 'number' }, b: { type: 'number' }, op: { type: 'string' } } },
})

/** The official `openai` client's Responses API, unmodified but for baseURL, in front of every backend. */
describe.each(cases)('openai responses → gateway → $provider', (c) => {
  let h: ClientsHarness
  let client: OpenAI

  beforeAll(async () => {
    h = await startClientsHarness({ extra: responsesReplies })
    client = new OpenAI({ apiKey: h.key, baseURL: h.baseURL, maxRetries: 0 })
  })
  afterAll(() => h.close())

  const lastSent = () => h.upstream.requests.at(-1)!

  it('create: the recorded text as a Response', async () => {
    h.play('text')
    const response = await client.responses.create({ model: c.model, input: 'Invent a holiday', store: false })
    expect(response.object).toBe('response')
    expect(response.status).toBe('completed')
    expect(response.output_text).toBe(c.jsonText)
    expect(response.usage?.input_tokens).toBeGreaterThan(0)
    if (c.native) expect(lastSent().path).toBe('/v1/responses')
  })

  it('stream: typed events in order, the recorded text, completed with usage', async () => {
    h.play('text')
    const stream = client.responses.stream({ model: c.model, input: 'Invent a holiday', store: false })
    const types: string[] = []
    const sequence: number[] = []
    let text = ''
    for await (const event of stream) {
      types.push(event.type)
      sequence.push(event.sequence_number)
      if (event.type === 'response.output_text.delta') text += event.delta
    }
    const final = await stream.finalResponse()
    expect(text).toBe(c.streamText)
    expect(final.output_text).toBe(c.streamText)
    expect(types.slice(0, 2)).toEqual(['response.created', 'response.in_progress'])
    expect(types.at(-1)).toBe('response.completed')
    expect(types).toContain('response.output_item.added')
    expect(types).toContain('response.content_part.added')
    expect(types).toContain('response.output_text.done')
    expect(types).toContain('response.output_item.done')
    expect(sequence).toEqual(sequence.map((_, i) => sequence[0]! + i))
    expect(final.usage?.output_tokens).toBeGreaterThan(0)
  })

  it('function call round trip: the call, then the tool output sent back with its call id', async () => {
    h.play('tool')
    const first = await client.responses.create({ model: c.model, input: 'Use the tool', tools: [tool(c.toolName)], store: false })
    const call = first.output.find((item): item is ResponseFunctionToolCall => item.type === 'function_call')!
    expect(call.name).toBe(c.toolName)
    expect(JSON.parse(call.arguments)).toEqual(c.toolArgs)
    expect(call.call_id).toMatch(/\S/)

    h.play('text')
    const input: ResponseInputItem[] = [
      { role: 'user', content: 'Use the tool' },
      ...(first.output as ResponseInputItem[]),
      { type: 'function_call_output', call_id: call.call_id, output: '{"result":"sunny"}' },
    ]
    const second = await client.responses.create({ model: c.model, input, tools: [tool(c.toolName)], store: false })
    expect(second.output_text).toBe(c.jsonText)
    const sent = lastSent().body as Record<string, unknown>
    if (c.native) {
      // OpenAI gets the items exactly as the client sent them, encrypted reasoning included.
      expect(sent.input).toEqual(JSON.parse(JSON.stringify(input)))
    } else if (c.provider !== 'gemini' && c.provider !== 'anthropic') {
      const messages = sent.messages as Array<{ role: string; tool_call_id?: string; tool_calls?: Array<{ id: string }> }>
      expect(messages.find((m) => m.role === 'assistant')?.tool_calls?.[0]?.id).toBe(call.call_id)
      expect(messages.find((m) => m.role === 'tool')).toMatchObject({ tool_call_id: call.call_id, content: '{"result":"sunny"}' })
    } else {
      expect(JSON.stringify(sent)).toContain('sunny')
    }
  })

  it('streamed function call: arguments as deltas, then the done item', async () => {
    h.play('tool')
    const stream = client.responses.stream({ model: c.model, input: 'Use the tool', tools: [tool(c.toolName)], store: false })
    let args = ''
    for await (const event of stream) if (event.type === 'response.function_call_arguments.delta') args += event.delta
    const final = await stream.finalResponse()
    const call = final.output.find((item) => item.type === 'function_call')!
    if (call.type !== 'function_call') throw new Error('no function call')
    expect(call.name).toBe(c.toolName)
    expect(JSON.parse(call.arguments)).toEqual(c.toolArgs)
    expect(JSON.parse(args)).toEqual(c.toolArgs)
  })

  it('structured output: text.format json_schema reaches the backend as its structured output', async () => {
    h.play('object')
    const schema = { type: 'object', properties: { city: { type: 'string' }, temperature: { type: 'number' }, units: { type: 'string' } }, required: ['city', 'temperature', 'units'], additionalProperties: false }
    const response = await client.responses.create({
      model: c.model, input: 'Weather as JSON', store: false,
      text: { format: { type: 'json_schema', name: 'weather', schema, strict: true } },
    })
    const sent = lastSent().body as Record<string, unknown>
    if (c.native) {
      expect(sent.text).toEqual({ format: { type: 'json_schema', name: 'weather', schema, strict: true } })
      return
    }
    expect(JSON.parse(response.output_text)).toEqual({ city: 'San Francisco', temperature: 61, units: 'f' })
    if (c.provider === 'openai' || c.provider === 'mistral' || c.provider === 'compat') {
      expect(sent.response_format).toEqual({ type: 'json_schema', json_schema: { name: 'weather', schema, strict: true } })
    }
  })

  it('previous_response_id: the stored turn is sent again with the new input', async () => {
    h.play('text')
    const first = await client.responses.create({ model: c.model, input: 'My name is Ada.' })
    const second = await client.responses.create({ model: c.model, input: 'What is my name?', previous_response_id: first.id })
    expect(second.output_text).toBe(c.jsonText)
    if (!c.native) expect(second.previous_response_id).toBe(first.id)
    const sent = JSON.stringify(lastSent().body)
    expect(sent).toContain('My name is Ada.')
    expect(sent).toContain('What is my name?')
    expect(sent).toContain(JSON.stringify(c.jsonText).slice(1, 40))
    expect(sent).not.toContain('previous_response_id')
    const fetched = await client.responses.retrieve(first.id)
    expect(fetched.id).toBe(first.id)
  })
})
