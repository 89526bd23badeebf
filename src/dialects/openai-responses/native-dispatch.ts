import { chargeAttempt } from '../../routing/target-call.js'
import type { ChatCompletionCreateParams } from 'openai/resources'
import { ProviderError } from '../../../providers/index.js'
import type { AppDeps } from '../../deps.js'
import { formatUsd } from '../../metering/cost.js'
import type { CallMeta } from '../../routing/call-meta.js'
import { routingHeaders, withRoutingHeaders } from '../../routing/dispatch.js'
import type { ResolvedRoute, Target } from '../../routing/resolve.js'
import { canFallBack, retryDelayMs } from '../../routing/retry.js'
import { coolingDown, routeFailed, type TargetFailure } from '../../routing/route-errors.js'
import { createRun, healthyTargets, totalCostPicoUsd, type RouteRun } from '../../routing/run.js'
import { weightedOrder } from '../../routing/strategies/loadbalance.js'
import { firstByteTimeout, linkAbort, requestTimeout, startTimer } from '../../routing/timeouts.js'
import { toProviderError } from '../../routing/provider-error.js'
import { nativeJson, nativeStream, type NativeCall } from './native-attempt.js'
import { recordNativeAttempt } from './native-usage.js'

/**
 * A route goes natively to OpenAI's own Responses API when every target is an OpenAI provider and the
 * strategy tries them one at a time; anything else (other backends, race) is translated through chat.
 */
export function isNativeRoute(route: ResolvedRoute): boolean {
  const oneAtATime = route.strategy === 'single' || route.strategy === 'fallback' || route.strategy === 'loadbalance'
  return oneAtATime && route.targets.every((target) => target.entry.spec.type === 'openai')
}

export type NativeResult =
  | { kind: 'json'; text: string; response: Record<string, unknown> & { id: string }; headers: Record<string, string> }
  | { kind: 'stream'; body: ReadableStream<Uint8Array>; headers: Record<string, string> }

export interface NativeRequest {
  route: ResolvedRoute
  /** The body for OpenAI: the client's, previous turns joined in when the gateway stored them. */
  body: Record<string, unknown>
  /** The same call as chat, for admission's token estimate. */
  chatBody: ChatCompletionCreateParams
  stream: boolean
  /** The final Response of a stream, once it arrived (for storage). */
  onFinal(response: Record<string, unknown> & { id: string }): void
}

/** One attempt with its own abort controller (linked to the client), first-byte and overall timers. */
async function attemptOnce(run: RouteRun, target: Target, request: NativeRequest, onStreamEnd: () => void): Promise<NativeResult> {
  const { deps, meta } = run
  await chargeAttempt(run)
  const controller = new AbortController()
  const unlink = linkAbort(meta.signal, controller)
  const firstByteMs = target.timeoutMs ?? run.settings.first_byte_timeout_ms
  const msLeft = run.deadline - deps.clock.now()
  const overall = () => controller.abort(requestTimeout(target.providerName, run.timeoutMs))
  let cancelTimer = msLeft <= firstByteMs
    ? startTimer(deps.clock, msLeft, overall)
    : startTimer(deps.clock, firstByteMs, () => controller.abort(firstByteTimeout(target.providerName, target.model, firstByteMs)))
  let accepted = false
  const call: NativeCall = {
    deps, target, attempt: ++run.attempts, signal: controller.signal, body: request.body,
    abort: () => controller.abort(),
    onEnd(report) {
      cancelTimer()
      unlink()
      run.reports.push(recordNativeAttempt(deps, meta, run.route, report))
      if (accepted) onStreamEnd()
    },
  }
  if (!request.stream) {
    const { text, response } = await nativeJson(call)
    return { kind: 'json', text, response, headers: {} }
  }
  const { body } = await nativeStream(call, request.onFinal)
  accepted = true
  cancelTimer()
  cancelTimer = startTimer(deps.clock, run.deadline - deps.clock.now(), overall)
  return { kind: 'stream', body, headers: {} }
}

async function inOrder(run: RouteRun, request: NativeRequest, onStreamEnd: () => void): Promise<{ result: NativeResult; target: Target }> {
  const { live, skipped } = healthyTargets(run, run.route.targets)
  const order = run.route.strategy === 'loadbalance' ? weightedOrder(live, run.deps.random) : live
  const failures: TargetFailure[] = []
  for (const target of order) {
    const policy = { retries: target.retries ?? run.settings.retries, retryOnStatus: run.retryOnStatus, maxDelayMs: run.settings.max_retry_delay_ms, random: run.deps.random }
    let lastError: ProviderError | undefined
    for (let retry = 0; retry <= policy.retries; retry++) {
      try {
        const result = await attemptOnce(run, target, request, onStreamEnd)
        return { result, target }
      } catch (err) {
        lastError = err instanceof ProviderError ? err : toProviderError(target.providerName, err, run.meta.signal)
        if (run.meta.signal.aborted) throw lastError
        const delay = retryDelayMs(lastError, retry, policy, run.deadline - run.deps.clock.now())
        if (delay === undefined) break
        await run.deps.clock.sleep(delay, run.meta.signal)
      }
    }
    if (!canFallBack(lastError!, run.retryOnStatus)) throw lastError!
    failures.push({ target, error: lastError! })
  }
  for (const target of skipped) failures.push({ target, error: coolingDown(target, run.deps.targets.cooldownUntil(target.model)) })
  throw routeFailed(failures)
}

/**
 * The native Responses call: admission as for chat, the route's targets in order with retries and
 * fallback, one usage row per attempt, and OpenAI's bytes passed back untouched.
 */
export async function dispatchNative(deps: AppDeps, request: NativeRequest, meta: CallMeta, requested: string): Promise<NativeResult> {
  const ticket = await deps.admission.admit({ principal: meta.principal, requested, route: request.route, body: request.chatBody, requestId: meta.requestId })
  let released = false
  const release = () => {
    if (released) return
    released = true
    ticket.release()
  }
  const run = createRun(deps, request.route, request.chatBody, meta, ticket)
  let attempted: { result: NativeResult; target: Target }
  try {
    attempted = await inOrder(run, request, release)
  } catch (err) {
    release()
    throw withRoutingHeaders(err, run)
  }
  const headers: Record<string, string> = { ...routingHeaders(run), 'x-manifold-target': attempted.target.model, ...ticket.headers }
  if (attempted.result.kind === 'stream') return { ...attempted.result, headers }
  release()
  const cost = totalCostPicoUsd(run)
  headers['x-manifold-latency-ms'] = String(deps.clock.now() - run.startedAt)
  headers['x-manifold-cost-usd'] = formatUsd(cost)
  return { ...attempted.result, headers }
}
