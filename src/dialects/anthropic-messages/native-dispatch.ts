import { chargeAttempt } from '../../routing/target-call.js'
import type { ChatCompletionCreateParams } from 'openai/resources'
import { ProviderError } from '../../../providers/index.js'
import type { AppDeps } from '../../deps.js'
import { GatewayError, toGatewayError } from '../../errors.js'
import { formatUsd } from '../../metering/cost.js'
import { pipeStream } from '../../streaming/pipe-stream.js'
import type { CallMeta } from '../../routing/call-meta.js'
import { toProviderError } from '../../routing/provider-error.js'
import type { ResolvedRoute, Target } from '../../routing/resolve.js'
import { canFallBack, retryDelayMs } from '../../routing/retry.js'
import { coolingDown, routeFailed, type TargetFailure } from '../../routing/route-errors.js'
import { createRun, healthyTargets, totalCostPicoUsd, type RouteRun } from '../../routing/run.js'
import { weightedOrder } from '../../routing/strategies/loadbalance.js'
import { attemptNative, type NativeAttempt, type NativeHeaders } from './native-attempt.js'

export type NativeResult =
  | { kind: 'json'; body: unknown; headers: Record<string, string> }
  | { kind: 'stream'; frames: AsyncIterable<string>; headers: Record<string, string> }

/**
 * Whether a call goes to Anthropic as it came: every target of its route is an Anthropic backend, and the
 * strategy calls one target at a time (race and all run through the chat translation instead).
 */
export function isNativeRoute(route: ResolvedRoute): boolean {
  if (route.strategy === 'race' || route.strategy === 'all') return false
  return route.targets.every((target) => target.entry.provider.type === 'anthropic')
}

/** One target with its retries (backoff or Retry-After, as chat's target calls do). */
async function withRetries(run: RouteRun, target: Target, body: Record<string, unknown>, headers: NativeHeaders): Promise<NativeAttempt> {
  const signal = run.meta.signal
  const policy = {
    retries: target.retries ?? run.settings.retries, retryOnStatus: run.retryOnStatus,
    maxDelayMs: run.settings.max_retry_delay_ms, random: run.deps.random,
  }
  for (let retry = 0; ; retry++) {
    await chargeAttempt(run)
    try {
      return await attemptNative(run, target, body, headers, signal)
    } catch (err) {
      const error = err instanceof ProviderError ? err : toProviderError(target.providerName, err, signal)
      if (signal.aborted) throw error
      const delay = retryDelayMs(error, retry, policy, run.deadline - run.deps.clock.now())
      if (delay === undefined) throw error
      try {
        await run.deps.clock.sleep(delay, signal)
      } catch (reason) {
        throw toProviderError(target.providerName, reason, signal)
      }
    }
  }
}

function routingHeaders(run: RouteRun): Record<string, string> {
  return { 'x-manifold-route': run.route.name, 'x-manifold-attempts': String(run.attempts) }
}

function withRoutingHeaders(err: unknown, run: RouteRun): unknown {
  if (!(err instanceof GatewayError || err instanceof ProviderError)) return err
  const mapped = toGatewayError(err)
  return new GatewayError(mapped.status, mapped.message, { type: mapped.type, code: mapped.code, param: mapped.param, headers: { ...mapped.headers, ...routingHeaders(run) } })
}

/**
 * A Messages call to Anthropic backends, with no translation: admitted like chat (scopes, budgets,
 * limits, on the chat form of the body), then the targets in the route's order (loadbalance: weighted),
 * each with its retries, cooldown bookkeeping and one usage row per attempt.
 */
export async function dispatchNative(
  deps: AppDeps, route: ResolvedRoute, body: Record<string, unknown>, chatBody: ChatCompletionCreateParams, meta: CallMeta, headers: NativeHeaders,
): Promise<NativeResult> {
  const ticket = await deps.admission.admit({ principal: meta.principal, requested: chatBody.model, route, body: chatBody, requestId: meta.requestId })
  const run = createRun(deps, route, chatBody, meta, ticket)
  const { live, skipped } = healthyTargets(run, route.targets)
  const order = route.strategy === 'loadbalance' ? weightedOrder(live, deps.random) : live
  const failures: TargetFailure[] = []
  for (const target of order) {
    let attempt: NativeAttempt
    try {
      attempt = await withRetries(run, target, body, headers)
    } catch (err) {
      if (!(err instanceof ProviderError) || !canFallBack(err, run.retryOnStatus) || meta.signal.aborted) {
        ticket.release()
        throw withRoutingHeaders(err, run)
      }
      failures.push({ target, error: err })
      continue
    }
    const out: Record<string, string> = { ...routingHeaders(run), 'x-manifold-target': target.model, ...ticket.headers }
    if (attempt.kind === 'json') {
      ticket.release()
      out['x-manifold-latency-ms'] = String(deps.clock.now() - run.startedAt)
      out['x-manifold-cost-usd'] = formatUsd(totalCostPicoUsd(run))
      return { kind: 'json', body: attempt.body, headers: out }
    }
    const frames = pipeStream<string>(attempt.frames, { end: () => { ticket.release(); return undefined } })
    return { kind: 'stream', frames, headers: out }
  }
  ticket.release()
  for (const target of skipped) failures.push({ target, error: coolingDown(target, deps.targets.cooldownUntil(target.model)) })
  throw withRoutingHeaders(routeFailed(failures), run)
}
