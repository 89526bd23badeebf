import type { TracingSettings } from '../settings.js'
import { parseTraceparent, randomSpanId, randomTraceId, type SpanContext } from './trace-context.js'
import type { FinishedSpan } from './span.js'

export interface SpanSink {
  export(span: FinishedSpan): void
  flush(): Promise<void>
}

/** The request span's own context and the client's span it continues (when the client sent a traceparent). */
export interface RequestSpanContext {
  context: SpanContext
  parentSpanId?: string
}

/** Starts span contexts (sampling decided once per trace, at its root) and hands finished spans to the sink. */
export class Tracer {
  constructor(
    private readonly settings: Pick<TracingSettings, 'sampleRatio' | 'parentBased'>,
    private readonly sink: SpanSink,
    private readonly random: () => number = Math.random,
  ) {}

  /** A SERVER span for a client request: the child of the client's traceparent when it sent a valid one. */
  startRequest(traceparent: string | undefined): RequestSpanContext {
    const parent = parseTraceparent(traceparent)
    if (parent) {
      const sampled = this.settings.parentBased ? parent.sampled : this.random() < this.settings.sampleRatio
      return { context: { traceId: parent.traceId, spanId: randomSpanId(), sampled }, parentSpanId: parent.spanId }
    }
    return { context: { traceId: randomTraceId(), spanId: randomSpanId(), sampled: this.random() < this.settings.sampleRatio } }
  }

  childOf(parent: SpanContext): SpanContext {
    return { traceId: parent.traceId, spanId: randomSpanId(), sampled: parent.sampled }
  }

  end(context: SpanContext, span: Omit<FinishedSpan, 'traceId' | 'spanId'>): void {
    if (context.sampled) this.sink.export({ ...span, traceId: context.traceId, spanId: context.spanId })
  }

  flush(): Promise<void> {
    return this.sink.flush()
  }
}
