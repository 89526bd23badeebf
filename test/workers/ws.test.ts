import { describe, expect, it } from 'vitest'
import recordedChunks from '../fixtures/openai/vercel-openai-text.chunks.txt?raw'
import { bindings, createKey as createHarnessKey, worker } from './worker-harness.js'

/** Issue 8's WebSocket endpoint on workerd: hono's Workers upgrade helper, the same session code as Node. */


interface Frame {
  id: string | null
  type: 'chunk' | 'done' | 'error'
  data?: { choices: Array<{ delta: { content?: string } }>; usage?: unknown }
  usage?: Record<string, number> | null
  cost_usd?: number | null
  error?: { message: string; type: string; param: string | null; code: string | null }
}

const createKey = () => createHarnessKey('workers-ws')

/** A key's usage rows in D1, once there are `count` (bounded polling: they are written after the call). */
async function usageOf(keyId: string, count: number): Promise<Array<Record<string, unknown>>> {
  let rows: Array<Record<string, unknown>> = []
  for (let i = 0; i < 100; i++) {
    rows = (await bindings.DB.prepare('SELECT model, outcome, stream FROM usage WHERE key_id = ? ORDER BY id').bind(keyId).all()).results
    if (rows.length >= count) return rows
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  return rows
}

function upgrade(headers: Record<string, string>): Promise<Response> {
  return worker.fetch(new Request('http://gateway/v1/ws', { headers: { upgrade: 'websocket', ...headers } }))
}

/** The client end of an accepted socket: every frame it received, and a way to wait for one. */
class Client {
  readonly frames: Frame[] = []
  private waiters: Array<() => void> = []
  closed = false

  constructor(readonly socket: WebSocket) {
    socket.accept()
    socket.addEventListener('message', (event) => {
      this.frames.push(JSON.parse(event.data as string) as Frame)
      this.wake()
    })
    socket.addEventListener('close', () => {
      this.closed = true
      this.wake()
    })
  }

  send(frame: unknown): void {
    this.socket.send(typeof frame === 'string' ? frame : JSON.stringify(frame))
  }

  /** Resolves with the first frame for `id` whose type ends the request (done or error); the test timeout bounds it. */
  async end(id: string): Promise<Frame> {
    for (;;) {
      const found = this.frames.find((f) => f.id === id && (f.type === 'done' || f.type === 'error'))
      if (found) return found
      if (this.closed) throw new Error(`the socket closed before request ${id} ended`)
      await new Promise<void>((resolve) => this.waiters.push(resolve))
    }
  }

  of(id: string): Frame[] {
    return this.frames.filter((f) => f.id === id)
  }

  private wake(): void {
    const waiting = this.waiters
    this.waiters = []
    for (const resolve of waiting) resolve()
  }
}

async function connect(headers: Record<string, string>): Promise<{ client: Client; response: Response }> {
  const response = await upgrade(headers)
  expect(response.status).toBe(101)
  expect(response.webSocket).toBeTruthy()
  return { client: new Client(response.webSocket!), response }
}

const chat = (model = 'openai/gpt-4o-mini') => ({ model, messages: [{ role: 'user', content: 'Hello' }] })
const expectedText = recordedChunks.split('\n').filter(Boolean)
  .map((line) => (JSON.parse(line) as { choices: Array<{ delta: { content?: string } }> }).choices[0]?.delta.content ?? '').join('')
const textOf = (frames: Frame[]) => frames.filter((f) => f.type === 'chunk').map((f) => f.data!.choices[0]?.delta.content ?? '').join('')

describe('the WebSocket endpoint on workerd', () => {
  it('refuses the upgrade without a key, and with a wrong one', async () => {
    const missing = await upgrade({})
    expect(missing.status).toBe(401)
    expect(missing.webSocket).toBeNull()
    expect(await missing.json()).toMatchObject({ error: { type: 'invalid_request_error', code: 'missing_api_key' } })

    const wrong = await upgrade({ 'sec-websocket-protocol': 'manifold, bearer.mk-not-a-real-key' })
    expect(wrong.status).toBe(401)
    expect(wrong.webSocket).toBeNull()
    expect(await wrong.json()).toMatchObject({ error: { type: 'invalid_request_error', code: 'invalid_api_key' } })
  })

  it('streams a chat request back as chunk frames and a done frame with usage and cost, metered in D1', async () => {
    const { id: keyId, key } = await createKey()
    const { client, response } = await connect({ authorization: `Bearer ${key}`, 'sec-websocket-protocol': 'manifold' })
    expect(response.headers.get('sec-websocket-protocol')).toBe('manifold')

    client.send({ id: 'one', type: 'chat.completions.create', body: chat() })
    const done = await client.end('one')
    expect(done).toMatchObject({ id: 'one', type: 'done', usage: { prompt_tokens: expect.any(Number), completion_tokens: expect.any(Number) } })
    expect(done.cost_usd === null || typeof done.cost_usd === 'number').toBe(true)
    const frames = client.of('one')
    expect(frames.at(-1)).toBe(done)
    expect(frames.slice(0, -1).every((f) => f.type === 'chunk')).toBe(true)
    expect(textOf(frames)).toBe(expectedText)
    // Closed right after the done frame: the row is still written (the upgrade request outlives the socket until it is).
    client.socket.close(1000, 'done')
    expect(await usageOf(keyId, 1)).toEqual([{ model: 'openai/gpt-4o-mini', outcome: 'success', stream: 1 }])
  })

  it('authenticates a browser by the subprotocol token and runs two requests at once; a bad frame errs for its id only', async () => {
    const { key } = await createKey()
    const { client, response } = await connect({ 'sec-websocket-protocol': `manifold, bearer.${key}` })
    expect(response.headers.get('sec-websocket-protocol')).toBe('manifold')

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
    client.socket.close(1000, 'done')
  })

  it('cancels one request by id, aborting its upstream call', async () => {
    const { id: keyId, key } = await createKey()
    const { client } = await connect({ authorization: `Bearer ${key}` })
    client.send({ id: 'slow', type: 'chat.completions.create', body: chat('openai/hang') })
    client.send({ id: 'fast', type: 'chat.completions.create', body: chat() })
    // Frames are handled in order: once the later request has ended, the hanging one is in flight.
    await client.end('fast')
    client.send({ id: 'slow', type: 'cancel' })
    expect(await client.end('slow')).toEqual({
      id: 'slow', type: 'error', error: { message: 'The request was canceled.', type: 'invalid_request_error', param: null, code: 'request_canceled' },
    })
    client.socket.close(1000, 'done')
    const rows = await usageOf(keyId, 2)
    expect(rows).toHaveLength(2)
    expect(rows).toEqual(expect.arrayContaining([
      { model: 'openai/gpt-4o-mini', outcome: 'success', stream: 1 },
      { model: 'openai/hang', outcome: 'aborted', stream: 1 },
    ]))
  })
})
