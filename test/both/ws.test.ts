import { describe, expect, it } from 'vitest'
import recordedChunks from '../fixtures/openai/vercel-openai-text.chunks.txt?raw'
import { gateway, type WsClient, type WsFrame } from './harness.js'

/** The WebSocket endpoint: the ws server on Node, hono's Workers upgrade helper on workerd, the same session code. */

const chat = (model = 'openai/gpt-4o-mini') => ({ model, messages: [{ role: 'user', content: 'Hello' }] })
const expectedText = recordedChunks.split('\n').filter(Boolean)
  .map((line) => (JSON.parse(line) as { choices: Array<{ delta: { content?: string } }> }).choices[0]?.delta.content ?? '').join('')
const textOf = (frames: WsFrame[]) => frames.filter((f) => f.type === 'chunk').map((f) => f.data!.choices[0]?.delta.content ?? '').join('')

async function connect(headers: Record<string, string>): Promise<WsClient> {
  const upgrade = await gateway.ws(headers)
  expect(upgrade.status).toBe(101)
  if (!('client' in upgrade)) throw new Error('the upgrade was refused')
  return upgrade.client
}

const modelRows = async (keyId: string, count: number) =>
  (await gateway.keyUsageRows(keyId, count)).map((row) => ({ model: row.model, outcome: row.outcome, stream: row.stream }))

describe(`the WebSocket endpoint (${gateway.runtime})`, () => {
  it('refuses the upgrade without a key, and with a wrong one', async () => {
    const refusal = (code: string) => ({
      status: 401,
      body: gateway.wsRefusalHasBody ? expect.objectContaining({ error: expect.objectContaining({ type: 'invalid_request_error', code }) }) : null,
    })
    expect(await gateway.ws({})).toEqual(refusal('missing_api_key'))
    expect(await gateway.ws({ 'sec-websocket-protocol': 'manifold, bearer.mk-not-a-real-key' })).toEqual(refusal('invalid_api_key'))
  })

  it('streams a chat request back as chunk frames and a done frame with usage and cost, and meters it', async () => {
    const { id: keyId, key } = await gateway.createKey({ name: 'ws' })
    const client = await connect({ authorization: `Bearer ${key}`, 'sec-websocket-protocol': 'manifold' })
    expect(client.protocol).toBe('manifold')

    client.send({ id: 'one', type: 'chat.completions.create', body: chat() })
    const done = await client.end('one')
    expect(done).toMatchObject({ id: 'one', type: 'done', usage: { prompt_tokens: expect.any(Number), completion_tokens: expect.any(Number) } })
    expect(done.cost_usd === null || typeof done.cost_usd === 'number').toBe(true)
    const frames = client.of('one')
    expect(frames.at(-1)).toBe(done)
    expect(frames.slice(0, -1).every((f) => f.type === 'chunk')).toBe(true)
    expect(textOf(frames)).toBe(expectedText)
    // Closed right after the done frame: the row is still written.
    client.close()
    expect(await modelRows(keyId, 1)).toEqual([{ model: 'openai/gpt-4o-mini', outcome: 'success', stream: 1 }])
  })

  it('authenticates a browser by the subprotocol token and runs two requests at once; a bad frame errs for its id only', async () => {
    const { key } = await gateway.createKey({ name: 'ws-browser' })
    const client = await connect({ 'sec-websocket-protocol': `manifold, bearer.${key}` })
    expect(client.protocol).toBe('manifold')

    client.send({ id: 'a', type: 'chat.completions.create', body: chat() })
    client.send({ id: 'b', type: 'chat.completions.create', body: chat() })
    client.send({ id: 'bad', type: 'chat.completions.create' })
    const [a, b, bad] = await Promise.all([client.end('a'), client.end('b'), client.end('bad')])
    expect(a.type).toBe('done')
    expect(b.type).toBe('done')
    expect(textOf(client.of('a'))).toBe(expectedText)
    expect(textOf(client.of('b'))).toBe(expectedText)
    expect(bad).toEqual({ id: 'bad', type: 'error', error: { message: 'chat.completions.create needs "body": the chat request object.', type: 'invalid_request_error', param: 'body', code: 'invalid_frame' } })

    // The socket is still up after the bad frame.
    client.send({ id: 'c', type: 'chat.completions.create', body: chat() })
    expect((await client.end('c')).type).toBe('done')
    client.close()
  })

  it('cancels one request by id, aborting its upstream call', async () => {
    const { id: keyId, key } = await gateway.createKey({ name: 'ws-cancel' })
    const client = await connect({ authorization: `Bearer ${key}` })
    client.send({ id: 'slow', type: 'chat.completions.create', body: chat('openai/hang') })
    client.send({ id: 'fast', type: 'chat.completions.create', body: chat() })
    // Frames are handled in order: once the later request has ended, the hanging one is in flight.
    await client.end('fast')
    client.send({ id: 'slow', type: 'cancel' })
    expect(await client.end('slow')).toEqual({
      id: 'slow', type: 'error', error: { message: 'The request was canceled.', type: 'invalid_request_error', param: null, code: 'request_canceled' },
    })
    client.close()
    const rows = await modelRows(keyId, 2)
    expect(rows).toHaveLength(2)
    expect(rows).toEqual(expect.arrayContaining([
      { model: 'openai/gpt-4o-mini', outcome: 'success', stream: 1 },
      { model: 'openai/hang', outcome: 'aborted', stream: 1 },
    ]))
  })
})
