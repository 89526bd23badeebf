import type { ChatCompletion } from '../../../providers/index.js'
import type { CallerSignal } from '../caller-signal.js'
import { ProviderError } from '../../../providers/index.js'
import { invalidRequest } from '../../errors.js'
import { picoToUsd } from '../../metering/cost.js'
import { requestForTarget } from '../attempt.js'
import { summarize, sumCostPicoUsd, sumUsage, type FanoutLane, type FanoutTargetSummary } from '../fanout-summary.js'
import { coolingDown, routeFailed } from '../route-errors.js'
import type { Target } from '../resolve.js'
import { healthyTargets, type RouteRun } from '../run.js'
import { callTargetJson } from '../target-call.js'
import { toProviderError } from '../provider-error.js'
import type { StrategyResult } from './result.js'

/** A choice of an `all` answer: OpenAI's choice, naming the target that produced it. */
export type FanoutChoice = ChatCompletion.Choice & { manifold_target: string }

export interface FanoutCompletion extends ChatCompletion {
  choices: FanoutChoice[]
  manifold: { targets: FanoutTargetSummary[]; cost_usd: number | null }
}

/** Each target answers one choice: `n` above 1 (asked, or set by a target's params) is refused up front. */
export function assertOneChoicePerTarget(run: RouteRun): void {
  for (const target of run.route.targets) {
    const n = requestForTarget(run.body, target).n
    if (n !== undefined && n !== null && n > 1) {
      throw invalidRequest('The `all` strategy answers one choice per target: `n` must be 1.', 'n', 'unsupported_parameter')
    }
  }
}

/** The lanes of an `all` call in target order; targets cooling down start out failed (skipped). */
export function fanoutLanes(run: RouteRun): FanoutLane[] {
  const { skipped } = healthyTargets(run, run.route.targets)
  const now = run.deps.clock.now()
  return run.route.targets.map((target: Target): FanoutLane => {
    const lane: FanoutLane = { target, tally: { attempts: 0 }, startedAt: now, choiceIndex: null, usage: null }
    if (skipped.includes(target)) lane.error = coolingDown(target, run.deps.targets.cooldownUntil(target.model))
    return lane
  })
}

export function laneError(lane: FanoutLane, err: unknown, signal: CallerSignal): ProviderError {
  return err instanceof ProviderError ? err : toProviderError(lane.target.providerName, err, signal)
}

/**
 * `all`, non-streaming: every target at once; one choice per target that answered, in target order with
 * dense indexes, usage summed, and `manifold.targets` saying what each target did.
 */
export async function runAllJson(run: RouteRun): Promise<StrategyResult> {
  assertOneChoicePerTarget(run)
  const lanes = fanoutLanes(run)
  const completions = await Promise.all(lanes.map(async (lane) => {
    if (lane.error) return undefined
    try {
      const { completion } = await callTargetJson(run, lane.target, run.meta.signal, lane.tally)
      return completion
    } catch (err) {
      lane.error = laneError(lane, err, run.meta.signal)
      return undefined
    } finally {
      lane.endedAt = run.deps.clock.now()
    }
  }))

  const choices: FanoutChoice[] = []
  let first: ChatCompletion | undefined
  completions.forEach((completion, i) => {
    const choice = completion?.choices[0]
    const lane = lanes[i]!
    if (!completion) return
    first ??= completion
    lane.usage = completion.usage ?? null
    if (!choice) return
    lane.choiceIndex = choices.length
    choices.push({ ...choice, index: choices.length, manifold_target: lane.target.model })
  })
  if (!first) throw routeFailed(lanes.map((lane) => ({ target: lane.target, error: lane.error! })))

  const cost = sumCostPicoUsd(lanes)
  const body: FanoutCompletion = {
    id: first.id,
    object: 'chat.completion',
    created: first.created,
    model: run.body.model,
    choices,
    usage: sumUsage(lanes.flatMap((lane) => (lane.usage ? [lane.usage] : []))),
    manifold: { targets: lanes.map(summarize), cost_usd: cost === null ? null : picoToUsd(cost) },
  }
  const answered = lanes.filter((lane) => lane.choiceIndex !== null).map((lane) => lane.target.model)
  return { kind: 'json', body, targets: answered.join(',') }
}
