import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { silentLogger } from '../../src/log.js'
import { startNodeGateway, type NodeGateway } from '../../src/node.js'
import { createKey } from '../../src/security/key-service.js'
import { fixtureText } from '../support/fixtures.js'
import { ADMIN_KEY } from '../support/gateway.js'
import { eventually } from '../support/jobs-gateway.js'
import { sseFromChunkLines, startMockUpstream, type MockUpstream } from '../support/mock-upstream.js'

interface Frame { id: string | null; type: string; data?: Record<string, unknown>; usage?: Record<string, unknown>; cost_usd?: number | null; error?: Record<string, unknown> }

/** A ws client that keeps every frame it received. */
async function connect(url: string, options: { key?: string; protocols?: string[] } = {}): Promise<{ ws: WebSocket; frames: Frame[]; send(frame: unknown): void }> {
  const headers = options.key ? { authorization: `Bearer ${options.key}` } : undefined
  const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/v1/ws`, options.protocols ?? [], { headers })
  const frames: Frame[] = []
  ws.on('message', (data) => frames.push(JSON.parse(String(data)) as Frame))
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve())
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)))
    ws.once('error', reject)
  })
  return { ws, frames, send: (frame) => ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame)) }
}

const chunkLines = fixtureText('openai/vercel-openai-text.chunks.txt')
const recordedText = chunkLines.split('\n').filter(Boolean)
  .map((line) => (JSON.parse(line) as { choices: Array<{ delta: { content?: string } }> }).choices[0]?.delta.content ?? '').join('')
const textOf = (frames: Frame[], id: string, choice = 0) => frames.filter((f) => f.id === id && f.type === 'chunk')
  .map((f) => ((f.data!.choices as Array<{ index: number; delta: { content?: string } }>).find((c) => c.index === choice)?.delta.content ?? '')).join('')
const finalOf = (frames: Frame[], id: string) => frames.find((f) => f.id === id && (f.type === 'done' || f.type === 'error'))

describe('WebSocket endpoint GET /v1/ws (Node)', () => {
  let upstream: MockUpstream
  let gateway: NodeGateway
  let key: string
  let release: (() => void) | undefined

  beforeAll(async () => {
    upstream = await startMockUpstream()
    const dir = mkdtempSync(join(tmpdir(), 'manifold-ws-'))
    const config = join(dir, 'config.json')
    writeFileSync(config, JSON.stringify({ routes: { duo: { strategy: 'all', targets: ['openai/gpt-4o-mini', 'openai/gpt-4o'] } } }))
    gateway = await startNodeGateway({
      PORT: '0', HOST: '127.0.0.1', MANIFOLD_DB: ':memory:', MANIFOLD_ADMIN_KEY: ADMIN_KEY, MANIFOLD_CONFIG: config,
      MANIFOLD_PROMPTS_DIR: join(dir, 'none'), OPENAI_API_KEY: 'sk-upstream', OPENAI_BASE_URL: `${upstream.url}/v1`,
    }, silentLogger)
    key = (await createKey(gateway.deps, { name: 'ws' })).secret
  })
  afterAll(async () => {
    release?.()
    await gateway.shutdown(1_000)
    await upstream.close()
  })

  it('runs two streamed requests at once on one socket, each ending with usage and cost', async () => {
    // The first upstream call is held until the second arrives: only concurrent handling can finish both.
    let secondArrived!: () => void
    const bothIn = new Promise<void>((resolve) => { secondArrived = resolve })
    upstream.setHandler(async (req) => {
      const question = (req.body as { messages: Array<{ content: string }> }).messages[0]!.content
      if (question === 'first') await bothIn
      else secondArrived()
      return { sse: sseFromChunkLines(chunkLines) }
    })
    const client = await connect(gateway.url, { key })
    client.send({ id: 'a', type: 'chat.completions.create', body: { model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'first' }] } })
    client.send({ id: 'b', type: 'chat.completions.create', body: { model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'second' }] } })
    await eventually(() => finalOf(client.frames, 'a') !== undefined && finalOf(client.frames, 'b') !== undefined, 'both requests to end')

    for (const id of ['a', 'b']) {
      expect(textOf(client.frames, id)).toBe(recordedText)
      const done = finalOf(client.frames, id)!
      expect(done).toMatchObject({ id, type: 'done', usage: { prompt_tokens: 16, completion_tokens: 300, total_tokens: 316 } })
      expect(done.cost_usd).toBeGreaterThan(0)
      // The client did not ask for the usage chunk, so only content chunks were relayed.
      expect(client.frames.filter((f) => f.id === id && f.type === 'chunk').every((f) => (f.data!.choices as unknown[]).length === 1)).toBe(true)
    }
    client.ws.close()
  })

  it('streams a fan-out route: every target\'s choice, and the summed usage', async () => {
    upstream.setHandler(() => ({ sse: sseFromChunkLines(chunkLines) }))
    const client = await connect(gateway.url, { key })
    client.send({ id: 'f', type: 'chat.completions.create', body: { model: 'duo', messages: [{ role: 'user', content: 'hi' }] } })
    await eventually(() => finalOf(client.frames, 'f') !== undefined, 'the fan-out to end')
    const done = finalOf(client.frames, 'f')!
    expect(done).toMatchObject({ type: 'done', usage: { prompt_tokens: 32, completion_tokens: 600, total_tokens: 632 } })
    expect(textOf(client.frames, 'f', 0)).toBe(recordedText)
    expect(textOf(client.frames, 'f', 1)).toBe(recordedText)
    client.ws.close()
  })

  it('cancels one request and keeps the socket serving', async () => {
    upstream.setHandler((req) => ((req.body as { messages: Array<{ content: string }> }).messages[0]!.content === 'hang' ? { hang: true } : { sse: sseFromChunkLines(chunkLines) }))
    const client = await connect(gateway.url, { key })
    const before = upstream.requests.length
    client.send({ id: 'slow', type: 'chat.completions.create', body: { model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'hang' }] } })
    await eventually(() => upstream.requests.length > before, 'the upstream call')
    client.send({ id: 'slow', type: 'cancel' })
    await eventually(() => finalOf(client.frames, 'slow') !== undefined, 'the cancel')
    expect(finalOf(client.frames, 'slow')).toEqual({ id: 'slow', type: 'error', error: { message: 'The request was canceled.', type: 'invalid_request_error', param: null, code: 'request_canceled' } })
    await eventually(() => upstream.requests[before]!.abortedAt !== undefined, 'the upstream abort')

    client.send({ id: 'next', type: 'chat.completions.create', body: { model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'go' }] } })
    await eventually(() => finalOf(client.frames, 'next') !== undefined, 'the next request')
    expect(finalOf(client.frames, 'next')!.type).toBe('done')
    client.ws.close()
  })

  it('answers a bad frame with an error for its id, and the socket stays up', async () => {
    upstream.setHandler(() => ({ sse: sseFromChunkLines(chunkLines) }))
    const client = await connect(gateway.url, { key })
    client.send('this is not json')
    client.send({ id: 'x', type: 'bogus' })
    client.send({ id: 'y', type: 'chat.completions.create', body: { model: 'openai/gpt-4o-mini' } })
    client.send({ id: 'z', type: 'chat.completions.create', body: { model: 'nope/missing', messages: [{ role: 'user', content: 'hi' }] } })
    client.send({ id: 'ok', type: 'chat.completions.create', body: { model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] } })
    await eventually(() => ['x', 'y', 'z', 'ok'].every((id) => finalOf(client.frames, id)) && client.frames.some((f) => f.id === null), 'all answers')
    expect(client.frames.find((f) => f.id === null)).toEqual({ id: null, type: 'error', error: { message: 'The frame is not valid JSON.', type: 'invalid_request_error', param: null, code: 'invalid_frame' } })
    expect(finalOf(client.frames, 'x')).toMatchObject({ type: 'error', error: { param: 'type', code: 'invalid_frame' } })
    expect(finalOf(client.frames, 'y')).toMatchObject({ type: 'error', error: { param: 'messages', code: 'missing_required_parameter' } })
    expect(finalOf(client.frames, 'z')).toMatchObject({ type: 'error', error: { code: 'model_not_found' } })
    expect(finalOf(client.frames, 'ok')!.type).toBe('done')
    expect(client.ws.readyState).toBe(WebSocket.OPEN)
    client.ws.close()
  })

  it('refuses an upgrade without a valid key, and accepts the key as a subprotocol (browsers)', async () => {
    await expect(connect(gateway.url)).rejects.toThrow('HTTP 401')
    await expect(connect(gateway.url, { key: 'mk-wrong' })).rejects.toThrow('HTTP 401')
    await expect(connect(gateway.url, { protocols: ['manifold', 'bearer.mk-wrong'] })).rejects.toThrow('HTTP 401')

    upstream.setHandler(() => ({ sse: sseFromChunkLines(chunkLines) }))
    const client = await connect(gateway.url, { protocols: ['manifold', `bearer.${key}`] })
    expect(client.ws.protocol).toBe('manifold')
    client.send({ id: 'p', type: 'chat.completions.create', body: { model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] } })
    await eventually(() => finalOf(client.frames, 'p') !== undefined, 'the answer')
    expect(finalOf(client.frames, 'p')!.type).toBe('done')
    client.ws.close()
  })
})
