import type { AttributeValue, Attributes, FinishedSpan } from './span.js'

/** OTLP/JSON's SpanKind numbers and status codes (opentelemetry-proto trace.proto). */
const KIND = { server: 2, client: 3 } as const
const STATUS_OK = 1
const STATUS_ERROR = 2

type AnyValue = { stringValue: string } | { boolValue: boolean } | { intValue: string } | { doubleValue: number } | { arrayValue: { values: AnyValue[] } }

function anyValue(value: AttributeValue): AnyValue {
  if (typeof value === 'string') return { stringValue: value }
  if (typeof value === 'boolean') return { boolValue: value }
  if (typeof value === 'number') return Number.isInteger(value) ? { intValue: String(value) } : { doubleValue: value }
  return { arrayValue: { values: value.map((v) => ({ stringValue: v })) } }
}

function keyValues(attributes: Attributes): Array<{ key: string; value: AnyValue }> {
  const out: Array<{ key: string; value: AnyValue }> = []
  for (const [key, value] of Object.entries(attributes)) if (value !== undefined) out.push({ key, value: anyValue(value) })
  return out
}

function unixNano(ms: number): string {
  return (BigInt(Math.round(ms)) * 1_000_000n).toString()
}

function spanJson(span: FinishedSpan) {
  return {
    traceId: span.traceId,
    spanId: span.spanId,
    ...(span.parentSpanId ? { parentSpanId: span.parentSpanId } : {}),
    name: span.name,
    kind: KIND[span.kind],
    startTimeUnixNano: unixNano(span.startMs),
    endTimeUnixNano: unixNano(Math.max(span.endMs, span.startMs)),
    attributes: keyValues(span.attributes),
    status: span.error === undefined ? { code: STATUS_OK } : { code: STATUS_ERROR, message: span.error },
  }
}

/** An ExportTraceServiceRequest in OTLP/JSON (ids as hex, times as decimal strings of nanoseconds). */
export function otlpTraceRequest(serviceName: string, spans: readonly FinishedSpan[]): unknown {
  return {
    resourceSpans: [{
      resource: { attributes: keyValues({ 'service.name': serviceName, 'telemetry.sdk.name': 'manifold', 'telemetry.sdk.language': 'webjs' }) },
      scopeSpans: [{ scope: { name: 'manifold' }, spans: spans.map(spanJson) }],
    }],
  }
}
