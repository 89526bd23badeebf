import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { hashKey } from '../../src/security/keys.js'
import { fixtureJson, fixtureText } from '../support/fixtures.js'
import { captureLog, type CapturedLog } from '../support/log-capture.js'
import { startMeteredGateway, type MeteredGateway } from '../support/metering-gateway.js'
import { sseFromRaw } from '../support/mock-upstream.js'
import { abridgedStream, framesOfEvents } from '../support/responses-recordings.js'

const json = { 'content-type': 'application/json' }
const recordedUsage = abridgedStream.at(-1)!.response!.usage as { input_tokens: number; output_tokens: number }

describe('access log: one line per client request', () => {
  let m: MeteredGateway
  let captured: CapturedLog
  let alice: { id: string; key: string; prefix: string }
  let limited: { id: string; key: string }
  const secrets: string[] = []

  beforeAll(async () => {
    captured = captureLog()
    m = await startMeteredGateway({ log: captured.log, env: { MANIFOLD_BODY_LIMIT: '1024' } })
    m.upstream.setHandler((req) => {
      const body = req.body as { model: string; stream?: boolean }
      m.clock.advance(120)
      if (body.model === 'broken') return { status: 503, json: { error: { message: 'overloaded', type: 'server_error' } } }
      if (body.stream && req.path.endsWith('/responses')) return { sse: framesOfEvents(abridgedStream) }
      if (body.stream) return { sse: sseFromRaw(fixtureText('openai/python-stream-finish-length.sse')) }
      return { json: fixtureJson('openai/vercel-openai-text.json') }
    })
    alice = await (await m.admin('POST', '/admin/keys', { name: 'alice' })).json() as typeof alice
    limited = await (await m.admin('POST', '/admin/keys', { name: 'limited', rpm: 1 })).json() as typeof limited
    secrets.push(alice.key, limited.key, m.gw.adminKey, 'sk-upstream', await hashKey(alice.key), await hashKey(limited.key), await hashKey(m.gw.adminKey))
  })
  afterAll(async () => {
    await m.close()
  })

  function call(id: string, key: string | null, body: Record<string, unknown> = {}, headers: Record<string, string> = {}) {
    return m.gw.request('/v1/chat/completions', {
      key, method: 'POST', headers: { ...json, 'x-request-id': id, ...headers },
      body: JSON.stringify({ model: 'openai/gpt-4.1-nano', messages: [{ role: 'user', content: 'hi' }], ...body }),
    })
  }

  it('a successful call: key, route, target with status, latency, TTFT, tokens and cost as a plain decimal', async () => {
    const res = await call('req-ok', alice.key)
    expect(res.status).toBe(200)
    const { time, ...line } = captured.accessLine('req-ok')!
    expect(typeof time).toBe('string')
    expect(line).toEqual({
      level: 'info', msg: 'request', request_id: 'req-ok', method: 'POST', path: '/v1/chat/completions', surface: 'chat',
      key_name: 'alice', key_id: alice.id, key_prefix: alice.prefix,
      route: 'openai/gpt-4.1-nano', model: 'openai/gpt-4.1-nano', targets: ['openai/gpt-4.1-nano:200'],
      status: 200, latency_ms: 120, ttft_ms: 120, tokens_in: 16, tokens_out: 363, cost_usd: '0.0001468',
    })
  })

  it('a stream is logged when its last byte is sent, with the time to its first token', async () => {
    const res = await call('req-stream', alice.key, { model: 'openai/gpt-4o', stream: true })
    expect(captured.accessLine('req-stream')).toBeUndefined()
    await res.text()
    const line = captured.accessLine('req-stream')!
    expect(line).toMatchObject({ status: 200, stream: 'complete', surface: 'chat', targets: ['openai/gpt-4o:200'], tokens_in: 79, tokens_out: 1, cost_usd: '0.0002075', latency_ms: 120 })
    expect(line.ttft_ms).toBe(120)
  })

  it.each([
    ['/v1/messages', 'messages', { model: 'openai/gpt-4o', max_tokens: 64, stream: true, messages: [{ role: 'user', content: 'hi' }] }, 79, 1],
    // OpenAI speaks Responses: the recording's bytes pass through, watched to their end, metered from its usage.
    ['/v1/responses', 'responses', { model: 'openai/gpt-4o', stream: true, input: 'hi', store: false }, recordedUsage.input_tokens, recordedUsage.output_tokens],
  ])('a stream on %s is logged once, when its last byte is sent', async (path, surface, body, tokensIn, tokensOut) => {
    const id = `req-stream-${surface}`
    const res = await m.gw.request(path, { key: alice.key, method: 'POST', headers: { ...json, 'x-request-id': id }, body: JSON.stringify(body) })
    expect(res.status).toBe(200)
    expect(captured.accessLine(id)).toBeUndefined()
    await res.text()
    expect(captured.records().filter((r) => r.msg === 'request' && r.request_id === id)).toHaveLength(1)
    expect(captured.accessLine(id)).toMatchObject({ status: 200, stream: 'complete', surface, path, targets: ['openai/gpt-4o:200'], tokens_in: tokensIn, tokens_out: tokensOut })
  })

  it('a client that cancels a stream after its first chunk is logged as client_closed', async () => {
    const res = await call('req-cancel', alice.key, { model: 'openai/gpt-4o', stream: true })
    const reader = res.body!.getReader()
    expect((await reader.read()).done).toBe(false)
    await reader.cancel()
    expect(captured.accessLine('req-cancel')).toMatchObject({ status: 200, stream: 'client_closed', surface: 'chat' })
  })

  it('an upstream failure is logged at error with the target\'s status and the error code', async () => {
    const res = await call('req-broken', alice.key, { model: 'openai/broken' })
    const body = await res.json() as { error: { code: string } }
    expect(res.status).toBeGreaterThanOrEqual(500)
    const line = captured.accessLine('req-broken')!
    expect(line).toMatchObject({ level: 'error', status: res.status, error_code: body.error.code, targets: ['openai/broken:503'], key_name: 'alice', tokens_in: 0, tokens_out: 0 })
  })

  it('refusals are logged too: no key, a wrong key, an unknown model, a rate limit, a body over the limit', async () => {
    expect((await call('req-nokey', null)).status).toBe(401)
    expect((await call('req-badkey', 'mk-not-a-real-key-000000000000000000')).status).toBe(401)
    expect((await call('req-unknown', alice.key, { model: 'nowhere/model' })).status).toBe(404)
    expect((await call('req-rpm-1', limited.key)).status).toBe(200)
    expect((await call('req-rpm-2', limited.key)).status).toBe(429)
    expect((await call('req-big', alice.key, { messages: [{ role: 'user', content: 'x'.repeat(2_000) }] })).status).toBe(413)

    const pick = (id: string) => {
      const { time: _time, ...line } = captured.accessLine(id)!
      return line
    }
    expect(pick('req-nokey')).toEqual({ level: 'info', msg: 'request', request_id: 'req-nokey', method: 'POST', path: '/v1/chat/completions', surface: 'chat', status: 401, error_code: 'missing_api_key', latency_ms: 0 })
    expect(pick('req-badkey')).toMatchObject({ status: 401, error_code: 'invalid_api_key' })
    expect(pick('req-badkey')).not.toHaveProperty('key_name')
    expect(pick('req-unknown')).toMatchObject({ status: 404, error_code: 'model_not_found', key_name: 'alice', model: 'nowhere/model' })
    expect(pick('req-unknown')).not.toHaveProperty('targets')
    expect(pick('req-rpm-2')).toMatchObject({ status: 429, error_code: 'rate_limit_exceeded', key_name: 'limited', key_id: limited.id, model: 'openai/gpt-4.1-nano' })
    expect(pick('req-big')).toMatchObject({ status: 413, error_code: 'request_too_large' })
  })

  it('admin calls are the admin surface', async () => {
    await m.gw.request('/admin/keys', { headers: { 'x-request-id': 'req-admin' } })
    expect(captured.accessLine('req-admin')).toMatchObject({ surface: 'admin', key_name: 'admin', status: 200 })
  })

  it('a dashboard page (its app loaded on the first /ui request) keeps the request id and its line names the signed-in key', async () => {
    const form = await m.gw.request('/ui/sign-in', { key: null, headers: { 'x-request-id': 'req-ui-form' } })
    expect(form.status).toBe(200)
    expect(form.headers.get('x-request-id')).toBe('req-ui-form')
    const signInCookie = /manifold_sign_in=[^;]+/.exec(form.headers.get('set-cookie') ?? '')![0]
    const token = /name="_csrf" value="([^"]+)"/.exec(await form.text())![1]!
    const signedIn = await m.gw.request('/ui/sign-in', {
      key: null, method: 'POST',
      headers: { cookie: signInCookie, 'content-type': 'application/x-www-form-urlencoded', 'x-request-id': 'req-ui-sign-in' },
      body: new URLSearchParams({ _csrf: token, key: m.gw.adminKey }).toString(),
    })
    expect(signedIn.status).toBe(303)
    const session = /manifold_session=[^;]+/.exec(signedIn.headers.get('set-cookie') ?? '')![0]
    const page = await m.gw.request('/ui', { key: null, headers: { cookie: session, 'x-request-id': 'req-ui-page' } })
    expect(page.status).toBe(200)
    expect(page.headers.get('x-request-id')).toBe('req-ui-page')
    expect(page.headers.get('content-security-policy')).toContain("default-src 'self'")
    expect(captured.accessLine('req-ui-form')).toMatchObject({ path: '/ui/sign-in', status: 200 })
    expect(captured.accessLine('req-ui-page')).toMatchObject({ path: '/ui', status: 200, key_name: 'admin' })
    const missing = await m.gw.request('/ui/no-such-page', { key: null, headers: { cookie: session } })
    expect(missing.status).toBe(404)
    expect(await missing.json()).toMatchObject({ error: { code: 'unknown_url' } })
  })

  it('the upstream receives no traceparent while tracing is off', async () => {
    const before = m.upstream.requests.length
    await call('req-traced', alice.key, {}, { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' })
    expect(m.upstream.requests.slice(before).map((r) => r.headers.traceparent)).toEqual([undefined])
    expect(captured.accessLine('req-traced')).not.toHaveProperty('trace_id')
  })

  it('no line holds a key, the upstream key or a key hash', () => {
    expect(captured.lines.length).toBeGreaterThan(10)
    for (const line of captured.lines) for (const secret of secrets) expect(line).not.toContain(secret)
  })
})

describe('access log formats and levels', () => {
  it('MANIFOLD_LOG_FORMAT=pretty: one readable line', async () => {
    const captured = captureLog({ format: 'pretty' })
    const m = await startMeteredGateway({ log: captured.log })
    m.upstream.setHandler(() => {
      m.clock.advance(250)
      return { json: fixtureJson('openai/vercel-openai-text.json') }
    })
    try {
      const created = await (await m.admin('POST', '/admin/keys', { name: 'bob' })).json() as { id: string; key: string; prefix: string }
      await m.gw.request('/v1/chat/completions', {
        key: created.key, method: 'POST', headers: { ...json, 'x-request-id': 'req-pretty' },
        body: JSON.stringify({ model: 'openai/gpt-4.1-nano', messages: [{ role: 'user', content: 'hi' }] }),
      })
      const line = captured.lines.find((l) => l.includes('request_id=req-pretty'))!
      expect(line.slice(13)).toBe(
        `INFO  request request_id=req-pretty method=POST path=/v1/chat/completions surface=chat key_name=bob key_id=${created.id} `
        + `key_prefix=${created.prefix} route=openai/gpt-4.1-nano model=openai/gpt-4.1-nano targets=openai/gpt-4.1-nano:200 `
        + 'status=200 latency_ms=250 ttft_ms=250 tokens_in=16 tokens_out=363 cost_usd=0.0001468',
      )
      expect(line.slice(0, 13)).toMatch(/^\d\d:\d\d:\d\d\.\d{3} $/)
      expect(line).not.toContain(created.key)
    } finally {
      await m.close()
    }
  })

  it('MANIFOLD_LOG_LEVEL=error keeps only 5xx access lines; debug lets everything through', () => {
    const quiet = captureLog({ level: 'error' })
    quiet.log.info('request', { status: 200 })
    quiet.log.warn('request', { status: 200, stream: 'broken' })
    quiet.log.error('request', { status: 502 })
    expect(quiet.records().map((r) => r.status)).toEqual([502])
    const loud = captureLog({ level: 'debug' })
    loud.log.debug('detail')
    loud.log.info('request')
    expect(loud.records().map((r) => [r.level, r.msg])).toEqual([['debug', 'detail'], ['info', 'request']])
  })
})
