import { describe, expect, it } from 'vitest'
import { OtlpHttpExporter } from '../../src/observability/tracing/exporter.js'
import type { FinishedSpan } from '../../src/observability/tracing/span.js'
import { captureLog } from '../support/log-capture.js'

function span(n: number): FinishedSpan {
  return { traceId: 'a'.repeat(32), spanId: n.toString(16).padStart(16, '0'), name: `s${n}`, kind: 'client', startMs: 1_000, endMs: 1_250.5, attributes: { n, ratio: 0.5, ok: true, list: ['x'] } }
}

describe('OtlpHttpExporter', () => {
  it('sends full batches at once, the rest on flush, in OTLP/JSON', async () => {
    const bodies: Array<{ resourceSpans: Array<{ scopeSpans: Array<{ spans: Array<Record<string, unknown>> }> }> }> = []
    const fetch = (async (_url: string, init: RequestInit) => {
      bodies.push(JSON.parse(init.body as string))
      return new Response('{}')
    }) as typeof globalThis.fetch
    const exporter = new OtlpHttpExporter({ endpoint: 'http://c/v1/traces', headers: {}, serviceName: 's', fetch, log: captureLog().log, maxBatch: 2, delayMs: 60_000 })
    for (let i = 1; i <= 5; i++) exporter.export(span(i))
    await exporter.flush()
    expect(bodies.map((b) => b.resourceSpans[0]!.scopeSpans[0]!.spans.map((s) => s.name))).toEqual([['s1', 's2'], ['s3', 's4'], ['s5']])
    expect(bodies[0]!.resourceSpans[0]!.scopeSpans[0]!.spans[0]).toEqual({
      traceId: 'a'.repeat(32), spanId: '0000000000000001', name: 's1', kind: 3,
      startTimeUnixNano: '1000000000', endTimeUnixNano: '1251000000',
      attributes: [
        { key: 'n', value: { intValue: '1' } }, { key: 'ratio', value: { doubleValue: 0.5 } },
        { key: 'ok', value: { boolValue: true } }, { key: 'list', value: { arrayValue: { values: [{ stringValue: 'x' }] } } },
      ],
      status: { code: 1 },
    })
  })

  it('drops spans past its queue bound and logs a failed or refused export without throwing', async () => {
    const captured = captureLog()
    let calls = 0
    const fetch = (async () => {
      calls++
      if (calls === 1) throw new TypeError('connect ECONNREFUSED')
      return new Response('no', { status: 503 })
    }) as typeof globalThis.fetch
    const exporter = new OtlpHttpExporter({ endpoint: 'http://c/v1/traces', headers: {}, serviceName: 's', fetch, log: captured.log, maxBatch: 10, maxQueue: 3, delayMs: 60_000 })
    for (let i = 1; i <= 5; i++) exporter.export(span(i))
    await exporter.flush()
    exporter.export(span(6))
    await exporter.flush()
    expect(captured.records().map((r) => [r.msg, r.dropped ?? r.status ?? r.error])).toEqual([
      ['trace spans dropped: the OTLP endpoint is not keeping up', 2],
      ['trace export failed', 'connect ECONNREFUSED'],
      ['trace export refused', 503],
    ])
  })
})
