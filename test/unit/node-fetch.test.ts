import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { gzipSync } from 'node:zlib'
import OpenAI from 'openai'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createNodeFetch, type NodeFetch } from '../../src/node-fetch.js'
import { bodyText } from '../../providers/whole-body.js'
import { startMockUpstream, type MockUpstream } from '../support/mock-upstream.js'
import { gate } from '../support/routing-upstream.js'

const completion = {
  id: 'chatcmpl-1', object: 'chat.completion', created: 1, model: 'gpt-4o-mini',
  choices: [{ index: 0, message: { role: 'assistant', content: 'Hi.', refusal: null }, logprobs: null, finish_reason: 'stop' }],
  usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 },
}
const chunk = (delta: object, finish: string | null = null) => ({
  id: 'chatcmpl-1', object: 'chat.completion.chunk', created: 1, model: 'gpt-4o-mini', choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
})

describe('createNodeFetch: the SDKs\' HTTP client on Node', () => {
  let mock: MockUpstream
  let http: NodeFetch
  let client: OpenAI

  beforeAll(async () => {
    mock = await startMockUpstream()
    http = createNodeFetch()
    client = new OpenAI({ apiKey: 'sk-test', baseURL: `${mock.url}/v1`, fetch: http.fetch, maxRetries: 0 })
  })
  afterAll(async () => {
    await http.close()
    await mock.close()
  })

  it('sends the SDK\'s request unchanged and hands back the JSON answer', async () => {
    mock.setHandler(() => ({ json: completion, headers: { 'x-request-id': 'req_up_1' } }))
    const { data, response } = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hello' }] }).withResponse()
    expect(data).toEqual(completion)
    expect(response.status).toBe(200)
    expect(response.headers.get('x-request-id')).toBe('req_up_1')
    const seen = mock.requests.at(-1)!
    expect(seen.method).toBe('POST')
    expect(seen.path).toBe('/v1/chat/completions')
    expect(seen.headers.authorization).toBe('Bearer sk-test')
    expect(seen.headers['content-type']).toBe('application/json')
    expect(seen.body).toEqual({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hello' }] })
  })

  it('hands a small JSON answer\'s text to bodyText as read, once; the Response still reads for an SDK', async () => {
    const text = '{"id":"chatcmpl-1",  "object":"chat.completion"}'
    mock.setHandler(() => ({ text, headers: { 'content-type': 'application/json', 'content-length': String(text.length) } }))
    const call = () => http.fetch(`${mock.url}/v1/chat/completions`, { method: 'POST', body: '{}' })
    const first = await call()
    expect(await bodyText(first)).toBe(text)
    // Taken once: a second read is the Response's own, which still has the body.
    expect(await bodyText(first)).toBe(text)
    expect(await (await call()).json()).toEqual({ id: 'chatcmpl-1', object: 'chat.completion' })
  })

  it('streams SSE frames as they arrive: the client has frame k before the upstream sends frame k+1', async () => {
    const frames = [chunk({ role: 'assistant', content: '' }), chunk({ content: 'He' }), chunk({ content: 'llo' }), chunk({}, 'stop')]
    const events: string[] = []
    // Frame k+1 is written only once the client has seen frame k; a client that buffered would never see one.
    const seen = frames.map(() => gate())
    mock.setHandler(() => ({
      sse: [...frames.map((f) => `data: ${JSON.stringify(f)}\n\n`), 'data: [DONE]\n\n'],
      beforeFrame: async (index) => {
        if (index > 0) await seen[index - 1]!.promise
        events.push(`sent ${index}`)
      },
    }))
    const stream = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hello' }], stream: true })
    const received = []
    for await (const part of stream) {
      events.push(`received ${received.length}`)
      seen[received.length]!.open()
      received.push(part)
    }
    expect(received).toEqual(frames)
    expect(events).toEqual(['sent 0', 'received 0', 'sent 1', 'received 1', 'sent 2', 'received 2', 'sent 3', 'received 3', 'sent 4'])
  })

  it('passes an upstream error through with its status, headers and body', async () => {
    mock.setHandler(() => ({ status: 429, headers: { 'retry-after': '7' }, json: { error: { message: 'Slow down.', type: 'rate_limit_error', code: 'rate_limit_exceeded' } } }))
    const err = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hello' }] }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(OpenAI.RateLimitError)
    const apiError = err as InstanceType<typeof OpenAI.RateLimitError>
    expect(apiError.status).toBe(429)
    expect(apiError.headers.get('retry-after')).toBe('7')
    expect(apiError.message).toContain('Slow down.')
  })

  it('aborts the upstream request when the signal fires', async () => {
    mock.setHandler(() => ({ hang: true }))
    const before = mock.requests.length
    const controller = new AbortController()
    const pending = client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hello' }] }, { signal: controller.signal })
    await expect.poll(() => mock.requests.length).toBe(before + 1)
    controller.abort()
    await expect(pending).rejects.toBeInstanceOf(OpenAI.APIUserAbortError)
    await expect.poll(() => mock.requests.at(-1)?.abortedAt).toBeTypeOf('number')
  })

  it('decodes a gzip answer the SDK did not ask for', async () => {
    const server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' })
      res.end(gzipSync(JSON.stringify(completion)))
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    try {
      const gz = new OpenAI({ apiKey: 'sk-test', baseURL: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`, fetch: http.fetch, maxRetries: 0 })
      expect(await gz.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hello' }] })).toEqual(completion)
    } finally {
      server.closeAllConnections()
      await new Promise((resolve) => server.close(resolve))
    }
  })

  it('answers 204 with no body, and falls back to the global fetch for a Request object', async () => {
    mock.setHandler(() => ({ status: 204 }))
    const empty = await http.fetch(`${mock.url}/v1/anything`, { method: 'DELETE' })
    expect(empty.status).toBe(204)
    expect(empty.body).toBeNull()
    mock.setHandler(() => ({ json: { ok: true } }))
    const viaRequest = await http.fetch(new Request(`${mock.url}/v1/other`, { method: 'POST', body: '{}' }))
    expect(await viaRequest.json()).toEqual({ ok: true })
  })

  it('hands a redirect back as it is, on both paths, and the target receives nothing', async () => {
    mock.setHandler((req) => (req.path === '/moved' ? { json: completion } : { status: 307, headers: { location: `${mock.url}/moved` }, text: '' }))
    const before = mock.requests.length
    const direct = await http.fetch(`${mock.url}/v1/chat/completions`, { method: 'POST', body: '{}' })
    const viaFallback = await http.fetch(new Request(`${mock.url}/v1/chat/completions`, { method: 'POST', body: '{}' }))
    expect([direct.status, viaFallback.status]).toEqual([307, 307])
    expect(direct.headers.get('location')).toBe(`${mock.url}/moved`)
    expect(mock.requests.slice(before).map((r) => r.path)).toEqual(['/v1/chat/completions', '/v1/chat/completions'])
  })

  it('streams a JSON answer of unknown length instead of buffering it, and a cancelled read ends the download', async () => {
    const chunks = () => (async function* () {
      for (let i = 0; i < 4096; i++) yield 'x'.repeat(16 * 1024)
    })()
    mock.setHandler(() => ({ chunks }))
    const res = await http.fetch(`${mock.url}/big`)
    const reader = res.body!.getReader()
    const first = await reader.read()
    expect(first.done).toBe(false)
    await reader.cancel()
    const seen = mock.requests.at(-1)!
    await expect.poll(() => seen.abortedAt !== undefined || seen.finishedAt !== undefined).toBe(true)
    expect(seen.abortedAt).toBeDefined()
  })
})
