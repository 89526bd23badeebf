import type { ChatCompletionCreateParams } from 'openai/resources'
import type { FileConfig } from '../config.js'
import type { AppDeps } from '../deps.js'
import type { AdmissionTicket } from './admission.js'
import type { AttemptReport } from './attempt.js'
import type { CallMeta } from './call-meta.js'
import type { ResolvedRoute, Target } from './resolve.js'

export type RoutingSettings = FileConfig['routing']

/** One call being routed: what every strategy and attempt of it shares. */
export interface RouteRun {
  deps: AppDeps
  meta: CallMeta
  route: ResolvedRoute
  body: ChatCompletionCreateParams
  settings: RoutingSettings
  retryOnStatus: readonly number[]
  startedAt: number
  /** When the call as a whole times out (ms since the epoch). */
  deadline: number
  timeoutMs: number
  /** Attempts started so far; the next attempt is number `attempts + 1`. */
  attempts: number
  /**
   * The call's admission: every upstream attempt is charged to it before it starts; the strategy that hands
   * back a stream releases it when that stream ends (dispatch does, for everything else).
   */
  ticket: Pick<AdmissionTicket, 'beforeAttempt' | 'release'>
  /** Attempts charged to the ticket so far (counted apart from `attempts`: fan-out lanes charge at once). */
  charged: number
  /** The report of every attempt that has ended, in the order they ended. */
  reports: AttemptReport[]
}

export function createRun(deps: AppDeps, route: ResolvedRoute, body: ChatCompletionCreateParams, meta: CallMeta, ticket: RouteRun['ticket']): RouteRun {
  const settings = deps.config.file.routing
  const startedAt = deps.clock.now()
  const timeoutMs = route.timeoutMs ?? settings.request_timeout_ms
  return {
    deps, meta, route, body, settings,
    retryOnStatus: route.retryOnStatus ?? settings.retry_on_status,
    startedAt, deadline: startedAt + timeoutMs, timeoutMs,
    attempts: 0, reports: [], ticket, charged: 0,
  }
}

/**
 * The targets to call, in order: those cooling down are skipped, unless every one is (then all are tried,
 * so that a route never fails without trying, and a single model is never refused by the breaker).
 */
export function healthyTargets(run: RouteRun, targets: readonly Target[]): { live: Target[]; skipped: Target[] } {
  if (targets.length === 1) return { live: [...targets], skipped: [] }
  const live: Target[] = []
  const skipped: Target[] = []
  for (const target of targets) (run.deps.targets.isCoolingDown(target.model) ? skipped : live).push(target)
  if (live.length === 0) return { live: skipped, skipped: [] }
  return { live, skipped }
}

/** The call's total cost: null when an answer's price is unknown (unknown, never zero). */
export function totalCostPicoUsd(run: RouteRun): number | null {
  let total = 0
  for (const report of run.reports) {
    if (report.costPicoUsd !== null) total += report.costPicoUsd
    else if (report.outcome === 'success') return null
  }
  return total
}
