/** W3C Trace Context: ids and the `traceparent` header (https://www.w3.org/TR/trace-context/). */
export interface SpanContext {
  traceId: string
  spanId: string
  /** The sampled flag: whether this trace is recorded and exported. */
  sampled: boolean
}

const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/
const ALL_ZERO = /^0+$/

function hex(bytes: Uint8Array): string {
  let out = ''
  for (const byte of bytes) out += byte.toString(16).padStart(2, '0')
  return out
}

export function randomTraceId(): string {
  return hex(crypto.getRandomValues(new Uint8Array(16)))
}

export function randomSpanId(): string {
  return hex(crypto.getRandomValues(new Uint8Array(8)))
}

/** The caller's span context, or undefined for a missing or malformed header (then the gateway starts a new trace). */
export function parseTraceparent(header: string | undefined): SpanContext | undefined {
  if (header === undefined) return undefined
  const match = TRACEPARENT.exec(header.trim())
  if (!match) return undefined
  const [, version, traceId, spanId, flags, rest] = match
  // Version ff is forbidden; version 00 has exactly four fields; later versions may append more.
  if (version === 'ff' || (version === '00' && rest !== undefined)) return undefined
  if (ALL_ZERO.test(traceId!) || ALL_ZERO.test(spanId!)) return undefined
  return { traceId: traceId!, spanId: spanId!, sampled: (parseInt(flags!, 16) & 1) === 1 }
}

export function formatTraceparent(context: SpanContext): string {
  return `00-${context.traceId}-${context.spanId}-${context.sampled ? '01' : '00'}`
}
