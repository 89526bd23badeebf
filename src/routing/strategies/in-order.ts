import { ProviderError } from '../../../providers/index.js'
import { costPicoUsd } from '../../metering/cost.js'
import { tokensFromUsage } from '../../metering/usage-of.js'
import type { ForClient } from '../attempt.js'
import type { Target } from '../resolve.js'
import { canFallBack } from '../retry.js'
import { coolingDown, routeFailed, type TargetFailure } from '../route-errors.js'
import type { RouteRun } from '../run.js'
import { callTargetJson, callTargetStream } from '../target-call.js'
import type { StrategyResult } from './result.js'

/** The stream a target sends goes to the client as it is shaped, and its end ends the call (the ticket). */
export function forClient(run: RouteRun, target: Target, onEnd?: () => void): ForClient {
  const price = run.deps.prices.lookup(target.providerName, target.upstreamModel)
  return {
    includeUsage: run.body.stream_options?.include_usage === true,
    costOf: (usage) => costPicoUsd(price, tokensFromUsage(usage)),
    onEnd() {
      onEnd?.()
      run.ticket.release()
    },
  }
}

/**
 * Calls the targets one after another until one answers: the next is tried only when a target failed
 * before any output with an error worth falling back on (retryable, or the upstream refusing our key).
 * single, fallback and loadbalance differ only in the order they pass.
 */
export async function firstInOrder(run: RouteRun, targets: readonly Target[], skipped: readonly Target[] = []): Promise<StrategyResult> {
  const failures: TargetFailure[] = []
  const signal = run.meta.signal
  for (const target of targets) {
    try {
      if (!run.body.stream) {
        const { completion } = await callTargetJson(run, target, signal)
        return { kind: 'json', body: completion, targets: target.model }
      }
      const { chunks } = await callTargetStream(run, target, signal, undefined, forClient(run, target))
      return { kind: 'stream', targets: target.model, chunks }
    } catch (err) {
      if (!(err instanceof ProviderError)) throw err
      // The caller's own mistake (a bad parameter, say) would fail everywhere: it is passed on as it is.
      if (!canFallBack(err, run.retryOnStatus)) throw err
      failures.push({ target, error: err })
      if (signal.aborted) break
    }
  }
  for (const target of skipped) failures.push({ target, error: coolingDown(target, run.deps.targets.cooldownUntil(target.model)) })
  throw routeFailed(failures)
}
