import { healthyTargets, type RouteRun } from '../run.js'
import { firstInOrder } from './in-order.js'
import type { StrategyResult } from './result.js'

/** `single` and `fallback`: the targets in the route's order, those cooling down skipped. */
export function runFallback(run: RouteRun): Promise<StrategyResult> {
  const targets = run.route.strategy === 'single' ? run.route.targets.slice(0, 1) : run.route.targets
  const { live, skipped } = healthyTargets(run, targets)
  return firstInOrder(run, live, skipped)
}
