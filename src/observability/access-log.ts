import type { Logger } from '../log.js'
import { picoToUsdText } from '../metering/usd.js'
import type { StreamEnding } from '../streaming/stream-end.js'
import type { RequestObservation } from './request-observation.js'

/** The response side of a finished client request. */
export interface RequestEnding {
  status: number
  /** The error body's code (or type), '' for a success. */
  code: string
  endedAt: number
  /** Set for streamed responses only. */
  stream?: StreamEnding
}

/** The key as a log may show it: name, id and display prefix, never the secret or its hash. */
function keyFields(observation: RequestObservation): Record<string, string | undefined> {
  const principal = observation.principal
  if (!principal) return {}
  if (principal.kind === 'admin') return { key_name: 'admin' }
  return { key_name: principal.key.name, key_id: principal.keyId, key_prefix: principal.key.keyPrefix }
}

/**
 * One access log line per client request: at info, at warn for a stream that broke, at error for a 5xx.
 * `model` is the first target tried (or, for a call refused before any, the model it asked for); `targets`
 * lists each attempt as `target:status`. Fields left undefined are not written (both line formats skip them).
 */
export function writeAccessLine(log: Logger, observation: RequestObservation, ending: RequestEnding, traceId: string | undefined): void {
  const o = observation
  const answered = o.attempts.length > 0
  const fields: Record<string, unknown> = {
    request_id: o.requestId,
    method: o.method,
    path: o.path,
    surface: o.surface,
    ...keyFields(o),
    route: o.route,
    model: o.attempts[0]?.target ?? o.requestedModel,
    targets: answered ? o.attempts.map((a) => `${a.target}:${a.status}`) : undefined,
    status: ending.status,
    error_code: ending.code || undefined,
    stream: ending.stream,
    latency_ms: ending.endedAt - o.startedAt,
    ttft_ms: o.firstTokenAt === null ? undefined : o.firstTokenAt - o.startedAt,
    tokens_in: answered ? o.inputTokens : undefined,
    tokens_out: answered ? o.outputTokens : undefined,
    cost_usd: answered ? (o.costKnown ? picoToUsdText(o.costPicoUsd) : null) : undefined,
    trace_id: traceId,
  }
  if (ending.status >= 500) log.error('request', fields)
  else if (ending.stream === 'broken') log.warn('request', fields)
  else log.info('request', fields)
}
