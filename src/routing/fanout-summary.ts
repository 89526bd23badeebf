import type { CompletionUsage } from 'openai/resources'
import type { ProviderError } from '../../providers/index.js'
import { fromProviderError, type OpenAIErrorBody } from '../errors.js'
import { picoToUsd } from '../metering/cost.js'
import type { Target } from './resolve.js'
import type { TargetTally } from './target-call.js'

/** One target of an `all` call, as `manifold.targets` shows it (always in the route's target order). */
export interface FanoutTargetSummary {
  model: string
  /** 200, or the HTTP status of the target's failure (503 for a target skipped while cooling down). */
  status: number
  /** The index of the target's choice, or null when it produced none. */
  choice_index: number | null
  latency_ms: number | null
  usage: CompletionUsage | null
  cost_usd: number | null
  /** Attempts made on this target (1 plus retries; 0 when skipped). */
  attempts: number
  error: OpenAIErrorBody['error'] | null
}

/** The state of one target of an `all` call while it runs. */
export interface FanoutLane {
  target: Target
  tally: TargetTally
  startedAt: number
  endedAt?: number
  choiceIndex: number | null
  usage: CompletionUsage | null
  error?: ProviderError
}

export function summarize(lane: FanoutLane): FanoutTargetSummary {
  const cost = lane.tally.last?.costPicoUsd ?? null
  return {
    model: lane.target.model,
    status: lane.error ? fromProviderError(lane.error).status : 200,
    choice_index: lane.choiceIndex,
    latency_ms: lane.tally.attempts === 0 || lane.endedAt === undefined ? null : lane.endedAt - lane.startedAt,
    usage: lane.usage,
    cost_usd: cost === null ? null : picoToUsd(cost),
    attempts: lane.tally.attempts,
    error: lane.error ? fromProviderError(lane.error).toJSON().error : null,
  }
}

const add = (a: number | undefined, b: number | undefined): number | undefined =>
  a === undefined && b === undefined ? undefined : (a ?? 0) + (b ?? 0)

/** Sums the answers' usage; the detail fields appear when any answer reported them. */
export function sumUsage(usages: readonly CompletionUsage[]): CompletionUsage {
  let cached: number | undefined
  let reasoning: number | undefined
  const total: CompletionUsage = { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 }
  for (const usage of usages) {
    total.prompt_tokens += usage.prompt_tokens
    total.completion_tokens += usage.completion_tokens
    total.total_tokens += usage.total_tokens
    cached = add(cached, usage.prompt_tokens_details?.cached_tokens)
    reasoning = add(reasoning, usage.completion_tokens_details?.reasoning_tokens)
  }
  if (cached !== undefined) total.prompt_tokens_details = { cached_tokens: cached }
  if (reasoning !== undefined) total.completion_tokens_details = { reasoning_tokens: reasoning }
  return total
}

/** The cost of the answers: null when one of them has no known price. */
export function sumCostPicoUsd(lanes: readonly FanoutLane[]): number | null {
  let total = 0
  for (const lane of lanes) {
    if (lane.error) continue
    const cost = lane.tally.last?.costPicoUsd ?? null
    if (cost === null) return null
    total += cost
  }
  return total
}
