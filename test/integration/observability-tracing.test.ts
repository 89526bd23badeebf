import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { observabilitySettings } from '../../src/observability/settings.js'
import { fixtureJson, fixtureText } from '../support/fixtures.js'
import { captureLog, type CapturedLog } from '../support/log-capture.js'
import { startTestGateway } from '../support/gateway.js'
import { startMeteredGateway, type MeteredGateway } from '../support/metering-gateway.js'
import { sseFromRaw, startMockUpstream } from '../support/mock-upstream.js'
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from '../support/otlp-receiver.js'

const json = { 'content-type': 'application/json' }
const SERVER = 2
const CLIENT = 3
const file = { routes: { duo: { strategy: 'fallback', targets: [{ model: 'openai/broken', retries: 0 }, 'openai/gpt-4.1-nano'] } } }

describe('OpenTelemetry tracing to an OTLP/HTTP receiver', () => {
  let receiver: OtlpReceiver
  let m: MeteredGateway
  let captured: CapturedLog
  let key: string

  beforeAll(async () => {
    receiver = await startOtlpReceiver()
    captured = captureLog()
    const settings = observabilitySettings({
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_EXPORTER_OTLP_HEADERS: 'x-otlp-token=s3cr%3Dt',
      OTEL_SERVICE_NAME: 'manifold-test',
    })
    m = await startMeteredGateway({ file, log: captured.log, assemble: { tracing: settings.tracing } })
    m.upstream.setHandler((req) => {
      const body = req.body as { model: string; stream?: boolean; input?: unknown }
      m.clock.advance(100)
      if (body.model === 'broken') return { status: 503, json: { error: { message: 'overloaded', type: 'server_error' } } }
      if (body.input !== undefined) return { json: fixtureJson('openai/vercel-openai-embedding.json') }
      if (body.stream) return { sse: sseFromRaw(fixtureText('openai/python-stream-finish-length.sse')) }
      return { json: fixtureJson('openai/vercel-openai-text.json') }
    })
    key = (await (await m.admin('POST', '/admin/keys', { name: 'traced' })).json() as { key: string }).key
  })
  afterAll(async () => {
    await m.close()
    await receiver.close()
  })

  async function exported(traceId: string): Promise<{ server: ReceivedSpan; clients: ReceivedSpan[] }> {
    await m.gw.deps.observability.flush()
    const spans = receiver.spans.filter((s) => s.traceId === traceId)
    const servers = spans.filter((s) => s.kind === SERVER)
    expect(servers).toHaveLength(1)
    const clients = spans.filter((s) => s.kind === CLIENT).sort((a, b) => Number(a.attributes['manifold.attempt']) - Number(b.attributes['manifold.attempt']))
    return { server: servers[0]!, clients }
  }

  it('continues the client\'s trace: a SERVER span, a CLIENT span per attempt, traceparent propagated upstream', async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736'
    const clientSpan = '00f067aa0ba902b7'
    const before = m.upstream.requests.length
    const res = await m.gw.request('/v1/chat/completions', {
      key, method: 'POST', headers: { ...json, traceparent: `00-${traceId}-${clientSpan}-01`, 'x-request-id': 'req-traced' },
      body: JSON.stringify({ model: 'duo', messages: [{ role: 'user', content: 'hi' }] }),
    })
    expect(res.status).toBe(200)
    await res.json()
    const { server, clients } = await exported(traceId)

    expect(server.parentSpanId).toBe(clientSpan)
    expect(server.name).toBe('POST /v1/chat/completions')
    expect(server.service).toBe('manifold-test')
    expect(server.status).toEqual({ code: 1 })
    expect(server.attributes).toMatchObject({
      'http.request.method': 'POST', 'url.path': '/v1/chat/completions', 'http.response.status_code': 200,
      'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'duo', 'gen_ai.usage.input_tokens': 16, 'gen_ai.usage.output_tokens': 363,
      'manifold.request_id': 'req-traced', 'manifold.surface': 'chat', 'manifold.attempts': 2,
    })
    expect(BigInt(server.endTimeUnixNano) - BigInt(server.startTimeUnixNano)).toBe(200_000_000n)

    expect(clients).toHaveLength(2)
    for (const span of clients) expect(span.parentSpanId).toBe(server.spanId)
    expect(clients[0]!.name).toBe('chat broken')
    expect(clients[0]!.status.code).toBe(2)
    expect(clients[0]!.attributes).toMatchObject({ 'gen_ai.request.model': 'broken', 'http.response.status_code': 503, 'manifold.outcome': 'error' })
    expect(clients[0]!.attributes['error.type']).toEqual(expect.any(String))
    expect(clients[1]!.name).toBe('chat gpt-4.1-nano')
    expect(clients[1]!.status).toEqual({ code: 1 })
    expect(clients[1]!.attributes).toEqual({
      'gen_ai.operation.name': 'chat', 'gen_ai.provider.name': 'openai', 'gen_ai.system': 'openai',
      'gen_ai.request.model': 'gpt-4.1-nano', 'gen_ai.response.model': 'gpt-4.1-nano-2025-04-14',
      'gen_ai.response.id': 'chatcmpl-D8Z5f52zQqikDBEKQMQoYcWMcWPeU', 'gen_ai.response.finish_reasons': ['stop'],
      'gen_ai.usage.input_tokens': 16, 'gen_ai.usage.output_tokens': 363, 'http.response.status_code': 200,
      'manifold.target': 'openai/gpt-4.1-nano', 'manifold.attempt': 2, 'manifold.outcome': 'success',
    })

    const upstreamTraceparents = m.upstream.requests.slice(before).map((r) => r.headers.traceparent)
    expect(upstreamTraceparents).toEqual(clients.map((c) => `00-${traceId}-${c.spanId}-01`))
    expect(receiver.exports.every((e) => e.path === '/v1/traces' && e.headers['x-otlp-token'] === 's3cr=t')).toBe(true)
    expect(captured.accessLine('req-traced')).toMatchObject({ trace_id: traceId, status: 200 })
  })

  it('starts a new trace without a traceparent; a stream\'s span has the finish reason its chunks reported', async () => {
    const before = m.upstream.requests.length
    const res = await m.gw.request('/v1/chat/completions', {
      key, method: 'POST', headers: json,
      body: JSON.stringify({ model: 'openai/gpt-4o', stream: true, messages: [{ role: 'user', content: 'hi' }] }),
    })
    await res.text()
    const sent = m.upstream.requests[before]!.headers.traceparent as string
    const [, traceId, spanId, flags] = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/.exec(sent)!
    expect(flags).toBe('01')
    const { server, clients } = await exported(traceId!)
    expect(server.parentSpanId).toBeUndefined()
    expect(clients.map((c) => c.spanId)).toEqual([spanId])
    expect(clients[0]!.attributes).toMatchObject({
      'gen_ai.request.model': 'gpt-4o', 'gen_ai.response.model': 'gpt-4o-2024-08-06', 'gen_ai.response.finish_reasons': ['length'],
      'gen_ai.usage.input_tokens': 79, 'gen_ai.usage.output_tokens': 1,
    })
    expect(server.attributes['manifold.stream']).toBe('complete')
  })

  it('embeddings: an `embeddings` operation span', async () => {
    const traceId = '0af7651916cd43dd8448eb211c80319c'
    await (await m.gw.request('/v1/embeddings', {
      key, method: 'POST', headers: { ...json, traceparent: `00-${traceId}-b7ad6b7169203331-01` },
      body: JSON.stringify({ model: 'openai/text-embedding-3-small', input: 'hello' }),
    })).json()
    const { server, clients } = await exported(traceId)
    expect(server.attributes).toMatchObject({ 'manifold.surface': 'embeddings', 'gen_ai.operation.name': 'embeddings' })
    expect(clients[0]!.name).toBe('embeddings text-embedding-3-small')
    expect(clients[0]!.attributes).toMatchObject({ 'gen_ai.operation.name': 'embeddings', 'gen_ai.response.model': 'text-embedding-3-small', 'gen_ai.usage.input_tokens': 12 })
  })

  it('a refused call is a SERVER span with its status; a client trace not sampled is not exported but still propagated', async () => {
    const refusedTrace = 'aaf7651916cd43dd8448eb211c80319c'
    const refused = await m.gw.request('/v1/chat/completions', {
      key: null, method: 'POST', headers: { ...json, traceparent: `00-${refusedTrace}-b7ad6b7169203331-01` },
      body: JSON.stringify({ model: 'duo', messages: [] }),
    })
    expect(refused.status).toBe(401)
    const { server, clients } = await exported(refusedTrace)
    expect(clients).toEqual([])
    expect(server.attributes).toMatchObject({ 'http.response.status_code': 401, 'manifold.error_code': 'missing_api_key' })
    expect(server.status).toEqual({ code: 1 })

    const quietTrace = 'bbf7651916cd43dd8448eb211c80319c'
    const before = m.upstream.requests.length
    await (await m.gw.request('/v1/chat/completions', {
      key, method: 'POST', headers: { ...json, traceparent: `00-${quietTrace}-b7ad6b7169203331-00` },
      body: JSON.stringify({ model: 'openai/gpt-4.1-nano', messages: [{ role: 'user', content: 'hi' }] }),
    })).json()
    await m.gw.deps.observability.flush()
    expect(receiver.spans.filter((s) => s.traceId === quietTrace)).toEqual([])
    expect(m.upstream.requests[before]!.headers.traceparent).toMatch(new RegExp(`^00-${quietTrace}-[0-9a-f]{16}-00$`))
  })
})

describe('traceparent reaches every provider\'s upstream', () => {
  it('Anthropic, Mistral and Gemini requests carry the attempt span\'s traceparent', async () => {
    const receiver = await startOtlpReceiver()
    const upstream = await startMockUpstream((req) => ({
      json: fixtureJson(req.path.startsWith('/v1/messages') ? 'anthropic/vercel-anthropic-text.json'
        : req.path.includes(':generateContent') ? 'gemini/firebase-unary-success-basic-reply-short.json' : 'mistral/vercel-mistral-text.json'),
    }))
    const gw = await startTestGateway({
      env: {
        ANTHROPIC_API_KEY: 'sk-ant-upstream', ANTHROPIC_BASE_URL: upstream.url, MISTRAL_API_KEY: 'mi-upstream', MISTRAL_BASE_URL: upstream.url,
        GEMINI_API_KEY: 'gm-upstream', GEMINI_BASE_URL: upstream.url,
      },
      assemble: { tracing: observabilitySettings({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${receiver.url}/v1/traces` }).tracing },
    })
    try {
      const traceId = 'c0f7651916cd43dd8448eb211c80319c'
      for (const model of ['anthropic/claude-sonnet-4-5', 'mistral/mistral-small-latest', 'gemini/gemini-2.5-flash']) {
        const res = await gw.request('/v1/chat/completions', {
          method: 'POST', headers: { ...json, traceparent: `00-${traceId}-b7ad6b7169203331-01` },
          body: JSON.stringify({ model, max_tokens: 100, messages: [{ role: 'user', content: 'hi' }] }),
        })
        expect(res.status).toBe(200)
        await res.json()
      }
      await gw.deps.observability.flush()
      const clients = receiver.spans.filter((s) => s.traceId === traceId && s.kind === CLIENT)
      expect(clients.map((c) => [c.attributes['gen_ai.provider.name'], c.attributes['gen_ai.response.finish_reasons']])).toEqual([
        ['anthropic', ['stop']], ['mistral_ai', ['stop']], ['gcp.gemini', ['stop']],
      ])
      expect(upstream.requests.map((r) => r.headers.traceparent)).toEqual(clients.map((c) => `00-${traceId}-${c.spanId}-01`))
    } finally {
      await gw.close()
      await upstream.close()
      await receiver.close()
    }
  })
})
