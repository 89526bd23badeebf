import type { MetricLabelBounds } from '../observability/label-bounds.js'
import { HttpMetrics } from '../observability/http-metrics.js'
import { renderRuntimeMetrics, type RuntimeSampler } from '../observability/runtime-metrics.js'
import { familyHeader, HistogramSeries, labelText, type Labels } from './prometheus-text.js'
import { UsageFlushMetrics } from './usage-flush-metrics.js'
import type { UsageRecorder, UsageRow } from './usage-recorder.js'
import { picoToUsdText } from './usd.js'

/** One target's cooldown as the router's health registry reports it (deps.targets.snapshot()). */
export interface CooldownEntry {
  /** `provider/model` or however the router names a target. */
  target: string
  /** When the cooldown ends, ms since the epoch; null or past when the target is healthy. */
  until: number | null
}

const LATENCY_BUCKETS_S = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120]
const TTFT_BUCKETS_S = [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30]
const TOKEN_KINDS = ['input', 'cached', 'cache_write', 'output', 'reasoning'] as const

interface ModelSeries {
  labels: Labels
  attempts: Map<string, number>
  errors: Map<string, number>
  tokens: Record<(typeof TOKEN_KINDS)[number], number>
  costPico: bigint
  unknownCost: number
  latency: HistogramSeries
  ttft: HistogramSeries
}

/**
 * Counters for GET /metrics, kept in this process's memory (they restart at zero with the process, as
 * Prometheus counters may): upstream attempts fed by the usage recorder's subscription, client requests
 * by the access log, and the process itself when the runtime has one. Every label is bounded.
 */
export class GatewayMetrics {
  private readonly series = new Map<string, ModelSeries>()
  /** Client requests, refusals included (fed by the access log middleware). */
  readonly http = new HttpMetrics()
  private readonly flushes: UsageFlushMetrics
  constructor(usage: UsageRecorder, private readonly labels: MetricLabelBounds, private readonly runtime?: RuntimeSampler) {
    usage.subscribe((row) => this.observe(row))
    this.flushes = new UsageFlushMetrics(usage)
  }

  private seriesOf(row: UsageRow): ModelSeries {
    const provider = row.provider ?? 'unknown'
    const model = this.labels.model(provider, row.model ?? 'unknown')
    const id = `${provider}\u0000${model}`
    let series = this.series.get(id)
    if (!series) {
      series = {
        labels: { provider, model },
        attempts: new Map(), errors: new Map(),
        tokens: { input: 0, cached: 0, cache_write: 0, output: 0, reasoning: 0 },
        costPico: 0n, unknownCost: 0,
        latency: new HistogramSeries(LATENCY_BUCKETS_S), ttft: new HistogramSeries(TTFT_BUCKETS_S),
      }
      this.series.set(id, series)
    }
    return series
  }

  observe(row: UsageRow): void {
    const s = this.seriesOf(row)
    s.attempts.set(row.outcome, (s.attempts.get(row.outcome) ?? 0) + 1)
    if (row.outcome === 'error') {
      const type = this.labels.code(row.errorType) || 'unknown'
      s.errors.set(type, (s.errors.get(type) ?? 0) + 1)
    }
    s.tokens.input += row.promptTokens ?? 0
    s.tokens.cached += row.cachedTokens ?? 0
    s.tokens.cache_write += row.cacheWriteTokens ?? 0
    s.tokens.output += row.completionTokens ?? 0
    s.tokens.reasoning += row.reasoningTokens ?? 0
    if (row.costPicoUsd === null || row.costPicoUsd === undefined) s.unknownCost++
    else s.costPico += BigInt(row.costPicoUsd)
    s.latency.observe(row.latencyMs / 1000)
    if (row.ttftMs !== null && row.ttftMs !== undefined) s.ttft.observe(row.ttftMs / 1000)
  }

  /** The exposition text; `now` decides which of the router's cooldowns are active. */
  render(now: number, cooldowns: readonly CooldownEntry[]): string {
    const all = [...this.series.values()]
    let out = this.http.render()
    out += familyHeader('manifold_upstream_attempts_total', 'counter', 'Upstream attempts by provider, model (configured or priced, else "other") and outcome (success, error, aborted).')
    for (const s of all) for (const [outcome, n] of s.attempts) out += `manifold_upstream_attempts_total${labelText({ ...s.labels, outcome })} ${n}\n`
    out += familyHeader('manifold_upstream_errors_total', 'counter', 'Failed upstream attempts by provider, model and error type.')
    for (const s of all) for (const [type, n] of s.errors) out += `manifold_upstream_errors_total${labelText({ ...s.labels, error_type: type })} ${n}\n`
    out += familyHeader('manifold_tokens_total', 'counter', 'Tokens by provider, model and kind (input includes cached and cache writes; output includes reasoning).')
    for (const s of all) for (const kind of TOKEN_KINDS) out += `manifold_tokens_total${labelText({ ...s.labels, kind })} ${s.tokens[kind]}\n`
    out += familyHeader('manifold_cost_usd_total', 'counter', 'Cost in USD of the attempts whose model has a price.')
    for (const s of all) out += `manifold_cost_usd_total${labelText(s.labels)} ${picoToUsdText(s.costPico)}\n`
    out += familyHeader('manifold_cost_unknown_total', 'counter', 'Attempts whose model has no price (cost unknown, not zero).')
    for (const s of all) out += `manifold_cost_unknown_total${labelText(s.labels)} ${s.unknownCost}\n`
    out += familyHeader('manifold_upstream_duration_seconds', 'histogram', 'Upstream attempt latency.')
    for (const s of all) out += s.latency.write('manifold_upstream_duration_seconds', s.labels)
    out += familyHeader('manifold_upstream_time_to_first_token_seconds', 'histogram', 'Upstream attempt time to the first output token (whole response for non-streaming calls).')
    for (const s of all) out += s.ttft.write('manifold_upstream_time_to_first_token_seconds', s.labels)
    out += familyHeader('manifold_target_cooldown', 'gauge', '1 while the router keeps a target out of rotation after failures, else 0.')
    // The router's health registry holds any target a call named; only configured or priced ones are series.
    const cooling = new Map<string, number>()
    for (const entry of cooldowns) {
      const target = this.labels.route(entry.target)
      cooling.set(target, Math.max(cooling.get(target) ?? 0, entry.until !== null && entry.until > now ? 1 : 0))
    }
    for (const [target, value] of cooling) out += `manifold_target_cooldown${labelText({ target })} ${value}\n`
    out += this.flushes.render()
    if (this.runtime) out += renderRuntimeMetrics(this.runtime.sample())
    return out
  }
}
