import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { fixtureJson } from '../../../test/support/fixtures.js'
import { SteppingClock } from '../../../test/support/metering-clock.js'
import { startResponsesGateway, type ResponsesGateway } from '../../../test/support/responses-gateway.js'
import { textJson, toolJson } from '../../../test/support/responses-recordings.js'

const DAY_MS = 86_400_000
const answer = fixtureJson('openai/vercel-openai-text.json')

/** store / previous_response_id / GET / DELETE: per key, retained for the configured days, nothing kept for store:false. */
describe('stored responses', () => {
  const clock = new SteppingClock(Date.UTC(2026, 0, 1))
  let t: ResponsesGateway
  let other: string
  beforeAll(async () => {
    t = await startResponsesGateway({ clock, file: { responses_retention_days: 2 } })
    other = await t.gw.createKey({ name: 'someone else' })
    t.upstream.setHandler(() => ({ json: answer }))
  })
  afterAll(() => t.close())
  beforeEach(() => {
    t.upstream.requests.length = 0
  })

  const create = async (body: Record<string, unknown>, key?: string) => {
    const res = await t.post({ model: 'compat/llama', ...body }, { key })
    expect(res.status).toBe(200)
    return (await res.json()) as { id: string; output: unknown[]; store: boolean }
  }
  const get = (id: string, key: string) => t.gw.request(`/v1/responses/${id}`, { key })
  const del = (id: string, key: string) => t.gw.request(`/v1/responses/${id}`, { method: 'DELETE', key })
  const notFound = (id: string) => ({ error: { message: `Response with id '${id}' not found.`, type: 'invalid_request_error', param: 'response_id', code: null } })

  it('the key that stored a response reads it back as it was returned; another key gets a 404 and cannot delete it', async () => {
    const made = await create({ input: 'hello' })
    const mine = await get(made.id, t.key)
    expect(mine.status).toBe(200)
    expect(await mine.json()).toEqual(made)

    const theirs = await get(made.id, other)
    expect(theirs.status).toBe(404)
    expect(await theirs.json()).toEqual(notFound(made.id))
    expect((await del(made.id, other)).status).toBe(404)
    const continued = await t.post({ model: 'compat/llama', input: 'again', previous_response_id: made.id }, { key: other })
    expect(continued.status).toBe(404)
    expect(t.upstream.requests).toHaveLength(1)

    const listed = await t.gw.request(`/v1/responses/${made.id}/input_items?order=asc`, { key: t.key })
    expect(await listed.json()).toEqual({ object: 'list', data: [{ type: 'message', role: 'user', content: 'hello' }], first_id: null, last_id: null, has_more: false })
    expect((await t.gw.request(`/v1/responses/${made.id}/input_items`, { key: other })).status).toBe(404)

    const deleted = await del(made.id, t.key)
    expect(await deleted.json()).toEqual({ id: made.id, object: 'response.deleted', deleted: true })
    expect((await get(made.id, t.key)).status).toBe(404)
  })

  it('store: false stores nothing, so the id cannot be continued', async () => {
    const before = await t.storedIds()
    const made = await create({ input: 'secret', store: false })
    expect(made.store).toBe(false)
    expect(await t.storedIds()).toEqual(before)
    const continued = await t.post({ model: 'compat/llama', input: 'again', previous_response_id: made.id })
    expect(continued.status).toBe(404)
  })

  it('previous_response_id sends the stored turns (input, then output) before the new input, on another backend too', async () => {
    const first = await create({ input: 'My name is Ada.', instructions: 'Be brief.' })
    t.upstream.setHandler((req) => ({ json: req.path === '/v1/responses' ? textJson : answer }))
    await create({ model: 'openai/gpt-4.1-nano', input: 'Name?', previous_response_id: first.id, stream: false })
    // OpenAI natively: the stored turns become input items; the gateway's own ids stay behind.
    const sent = t.upstream.requests.at(-1)!.body as { input: unknown[]; previous_response_id?: string }
    const assistantText = (answer as { choices: Array<{ message: { content: string } }> }).choices[0]!.message.content
    expect(sent.previous_response_id).toBeUndefined()
    expect(sent.input).toEqual([
      { type: 'message', role: 'user', content: 'My name is Ada.' },
      { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: assistantText, annotations: [], logprobs: [] }] },
      { type: 'message', role: 'user', content: 'Name?' },
    ])
  })

  it('a native response is stored under OpenAI\'s own id', async () => {
    expect(await t.storedIds()).toContain(textJson.id)
  })

  it('a native OpenAI turn (encrypted reasoning, a function call) continues on another backend: reasoning dropped, the call kept', async () => {
    t.upstream.setHandler((req) => ({ json: req.path === '/v1/responses' ? toolJson : answer }))
    const first = await create({ model: 'openai/gpt-5-mini', input: 'Compute 12 + 7' })
    const call = toolJson.output.find((item) => item.type === 'function_call') as unknown as { call_id: string; name: string; arguments: string }
    await create({ input: [{ type: 'function_call_output', call_id: call.call_id, output: '19' }], previous_response_id: first.id })
    expect(t.upstream.requests.at(-1)!.path).toBe('/compat/v1/chat/completions')
    expect((t.upstream.requests.at(-1)!.body as { messages: unknown[] }).messages).toEqual([
      { role: 'user', content: 'Compute 12 + 7' },
      { role: 'assistant', content: null, tool_calls: [{ id: call.call_id, type: 'function', function: { name: call.name, arguments: call.arguments } }] },
      { role: 'tool', tool_call_id: call.call_id, content: '19' },
    ])
  })

  it('a response is gone once its retention has passed', async () => {
    const made = await create({ input: 'short-lived' })
    clock.advance(2 * DAY_MS - 1)
    expect((await get(made.id, t.key)).status).toBe(200)
    clock.advance(1)
    expect((await get(made.id, t.key)).status).toBe(404)
    const continued = await t.post({ model: 'compat/llama', input: 'again', previous_response_id: made.id })
    expect(continued.status).toBe(404)
    // The next write sweeps it from the table.
    await create({ input: 'later' })
    expect(await t.storedIds()).not.toContain(made.id)
  })
})
