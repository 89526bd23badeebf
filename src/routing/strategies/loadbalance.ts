import type { Target } from '../resolve.js'
import { healthyTargets, type RouteRun } from '../run.js'
import { firstInOrder } from './in-order.js'
import type { StrategyResult } from './result.js'

/**
 * A weighted random order without replacement: the first pick is target i with probability
 * weight_i / Σweight, then the same among the rest. Bounded: one pick per target.
 */
export function weightedOrder(targets: readonly Target[], random: () => number): Target[] {
  const pool = [...targets]
  const order: Target[] = []
  while (pool.length > 0) {
    const total = pool.reduce((sum, t) => sum + t.weight, 0)
    let point = random() * total
    let index = pool.length - 1
    for (let i = 0; i < pool.length; i++) {
      point -= pool[i]!.weight
      if (point < 0) {
        index = i
        break
      }
    }
    order.push(pool.splice(index, 1)[0]!)
  }
  return order
}

/** `loadbalance`: a weighted random pick among healthy targets, then the others (same draw) on failure. */
export function runLoadbalance(run: RouteRun): Promise<StrategyResult> {
  const { live, skipped } = healthyTargets(run, run.route.targets)
  return firstInOrder(run, weightedOrder(live, run.deps.random), skipped)
}
