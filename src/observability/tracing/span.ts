/** An attribute value as OTLP carries it. */
export type AttributeValue = string | number | boolean | readonly string[]
export type Attributes = Record<string, AttributeValue | undefined>

/** One finished span, ready to export. Times are ms since the epoch, from the gateway's clock. */
export interface FinishedSpan {
  traceId: string
  spanId: string
  parentSpanId?: string
  name: string
  kind: 'server' | 'client'
  startMs: number
  endMs: number
  attributes: Attributes
  /** Set when the span failed: its status is ERROR with this message. */
  error?: string
}
