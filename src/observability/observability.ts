import type { Clock } from '../clock.js'
import type { Logger } from '../log.js'
import type { GatewayMetrics } from '../metering/gateway-metrics.js'
import type { UsageRecorder, UsageRow } from '../metering/usage-recorder.js'
import type { CallMeta } from '../routing/call-meta.js'
import { writeAccessLine, type RequestEnding } from './access-log.js'
import { refusalReason } from './http-metrics.js'
import type { MetricLabelBounds } from './label-bounds.js'
import { RequestObservation, RequestRegistry, surfaceOf } from './request-observation.js'
import { attemptSpanAttributes, requestSpanAttributes } from './tracing/gen-ai-attributes.js'
import { formatTraceparent } from './tracing/trace-context.js'
import type { Tracer } from './tracing/tracer.js'

export interface ObservabilityOptions {
  log: Logger
  clock: Clock
  usage: UsageRecorder
  metrics: GatewayMetrics
  labels: MetricLabelBounds
  /** Absent: tracing is off and costs nothing. */
  tracer?: Tracer
}

/** The upstream an attempt goes to, as the router names it. */
export interface AttemptTarget {
  model: string
  providerName: string
  upstreamModel: string
  providerType: string
}

/** What a completion or a chunk says about itself (the span's gen_ai.response.* attributes). */
export interface UpstreamAnswer {
  id?: string
  model?: string
  choices?: ReadonlyArray<{ finish_reason?: string | null }>
}

export interface RequestStart {
  requestId: string
  method: string
  path: string
  traceparent: string | undefined
  /** A job's submission or replay, or a WebSocket frame's call: that surface, whatever the path. */
  fixedSurface: 'job' | 'ws' | undefined
}

/**
 * The access log, the client-request metrics and the traces, fed from three places: the access log
 * middleware (a request starts and ends), the usage recorder (each upstream attempt's row), and two small
 * hooks in the attempt code (the headers an upstream call carries, what the upstream answered).
 */
export class Observability {
  readonly requests = new RequestRegistry()

  constructor(private readonly options: ObservabilityOptions) {
    options.usage.subscribe((row) => this.attemptEnded(row))
  }

  get tracing(): boolean {
    return this.options.tracer !== undefined
  }

  begin(start: RequestStart): RequestObservation {
    const span = this.options.tracer?.startRequest(start.traceparent)
    const observation = new RequestObservation(
      start.requestId, start.method, start.path, this.options.clock.now(), surfaceOf(start.path, start.fixedSurface), span,
    )
    if (start.fixedSurface) observation.surfaceFixed = true
    this.requests.add(observation)
    return observation
  }

  /** Writes the request's access line, counts it and ends its span; a bug here is logged, never the caller's failure. */
  end(observation: RequestObservation, response: Omit<RequestEnding, 'endedAt'>): void {
    this.requests.remove(observation)
    try {
      this.report(observation, response)
    } catch (err) {
      this.options.log.error('access log failed', { requestId: observation.requestId, error: err instanceof Error ? err.message : String(err) })
    }
  }

  private report(observation: RequestObservation, response: Omit<RequestEnding, 'endedAt'>): void {
    const ending: RequestEnding = { ...response, endedAt: this.options.clock.now() }
    if (ending.stream === 'complete' && observation.attempts.length > 0 && observation.attempts.every((a) => a.outcome !== 'success')) {
      ending.stream = 'broken'
      ending.code ||= observation.attempts.at(-1)!.error ?? 'upstream_error'
    }
    const { log, labels, metrics, tracer } = this.options
    const span = observation.span
    writeAccessLine(log, observation, ending, span?.context.sampled ? span.context.traceId : undefined)
    const code = labels.code(ending.code)
    metrics.http.observe({
      surface: observation.surface,
      route: observation.route === undefined ? 'none' : labels.route(observation.route, observation.routeProvider),
      status: ending.status,
      code,
      latencyMs: ending.endedAt - observation.startedAt,
      ttftMs: observation.firstTokenAt === null ? null : observation.firstTokenAt - observation.startedAt,
      refusal: observation.attempts.length === 0 ? refusalReason(ending.status, code) : undefined,
    })
    if (tracer && span) {
      tracer.end(span.context, {
        parentSpanId: span.parentSpanId,
        name: `${observation.method} ${observation.path}`,
        kind: 'server',
        startMs: observation.startedAt,
        endMs: ending.endedAt,
        attributes: requestSpanAttributes(observation, ending),
        error: ending.status >= 500 ? (ending.code || `HTTP ${ending.status}`) : undefined,
      })
    }
  }

  /**
   * Called as an upstream attempt starts: notes the call's surface, opens the attempt's span, and returns
   * the headers the upstream request carries (`traceparent`, when tracing is on).
   */
  upstreamHeaders(meta: CallMeta, attempt: number, target: AttemptTarget, operation: 'chat' | 'embeddings'): Record<string, string> | undefined {
    const observation = this.requests.find(meta.requestId, meta.principal.keyId)
    if (!observation) return undefined
    if (meta.surface && !observation.surfaceFixed) observation.surface = meta.surface
    const { tracer } = this.options
    if (!tracer || !observation.span) return undefined
    const context = tracer.childOf(observation.span.context)
    observation.attemptSpans.set(attempt, {
      context, startMs: this.options.clock.now(), provider: target.providerName, providerType: target.providerType,
      target: target.model, upstreamModel: target.upstreamModel, operation, finishReasons: new Set(),
    })
    return { traceparent: formatTraceparent(context) }
  }

  /** What the upstream said about its answer (a completion or each chunk): the span's response model, id and finish reasons. */
  upstreamAnswered(meta: CallMeta, attempt: number, answer: UpstreamAnswer): void {
    if (!this.options.tracer) return
    const span = this.requests.find(meta.requestId, meta.principal.keyId)?.attemptSpans.get(attempt)
    if (!span) return
    if (answer.model) span.responseModel ??= answer.model
    if (answer.id) span.responseId ??= answer.id
    for (const choice of answer.choices ?? []) if (choice.finish_reason) span.finishReasons.add(choice.finish_reason)
  }

  private attemptEnded(row: UsageRow): void {
    const observation = this.requests.find(row.requestId, row.keyId ?? null)
    if (!observation) return
    observation.addRow(row)
    const attempt = row.attempt ?? 1
    const span = observation.attemptSpans.get(attempt)
    if (!span || !this.options.tracer) return
    observation.attemptSpans.delete(attempt)
    this.options.tracer.end(span.context, {
      parentSpanId: observation.span?.context.spanId,
      name: `${span.operation} ${span.upstreamModel}`,
      kind: 'client',
      startMs: span.startMs,
      endMs: row.createdAt,
      attributes: attemptSpanAttributes(span, row),
      error: row.outcome === 'success' ? undefined : (row.errorType ?? row.outcome),
    })
  }

  /** Sends the spans still queued (Workers: inside waitUntil; Node: at shutdown). */
  flush(): Promise<void> {
    return this.options.tracer?.flush() ?? Promise.resolve()
  }
}
