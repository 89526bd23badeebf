import { afterEach, describe, expect, it, vi } from 'vitest'
import { bindings, call, createKey } from './worker-harness.js'

interface Span { traceId: string; spanId: string; parentSpanId?: string; kind: number; name: string; service: unknown; attributes: Record<string, unknown> }

/** The spans of one trace the loopback receiver holds: exported after the response (waitUntil), so polled a bounded number of times. */
async function spansOf(traceId: string, count: number, tries = 200): Promise<Span[]> {
  for (let i = 0; i < tries; i++) {
    const spans = await (await fetch(`${bindings.TEST_OTLP_RECEIVER_URL}/spans?trace_id=${traceId}`)).json() as Span[]
    if (spans.length >= count) return spans
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  return []
}

describe('access log and tracing on workerd', () => {
  afterEach(() => {
    vi.restoreAllMocks()
  })

  it('writes the access line to the console and exports the spans through waitUntil', async () => {
    const lines: string[] = []
    vi.spyOn(console, 'log').mockImplementation((line: unknown) => { lines.push(String(line)) })
    const { key } = await createKey('traced')
    const traceId = '5bf92f3577b34da6a3ce929d0e0e4736'
    const res = await call('/v1/chat/completions', {
      method: 'POST', key,
      headers: { 'content-type': 'application/json', 'x-request-id': 'wk-traced', traceparent: `00-${traceId}-00f067aa0ba902b7-01` },
      body: JSON.stringify({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'Hello' }] }),
    })
    expect(res.status).toBe(200)
    await res.json()

    const spans = await spansOf(traceId, 2)
    const server = spans.find((s) => s.kind === 2)!
    const client = spans.find((s) => s.kind === 3)!
    expect(server).toMatchObject({ parentSpanId: '00f067aa0ba902b7', name: 'POST /v1/chat/completions', service: 'manifold-workers' })
    expect(client.parentSpanId).toBe(server.spanId)
    expect(client.attributes).toMatchObject({ 'gen_ai.provider.name': 'openai', 'gen_ai.request.model': 'gpt-4o-mini', 'http.response.status_code': 200 })

    const access = lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((r) => r.msg === 'request' && r.request_id === 'wk-traced')
    expect(access).toMatchObject({ surface: 'chat', status: 200, key_name: 'traced', targets: ['openai/gpt-4o-mini:200'], trace_id: traceId })
    for (const line of lines) expect(line).not.toContain(key)
  })
})
