import { familyHeader, HistogramSeries } from './prometheus-text.js'
import type { UsageFlushTiming, UsageRecorder } from './usage-recorder.js'

/** Fine buckets at the low end: a flush that holds the event loop for more than a millisecond shows in p99. */
const FLUSH_BUCKETS_S = [0.00025, 0.0005, 0.001, 0.002, 0.004, 0.008, 0.016, 0.032, 0.064, 0.128, 0.256, 0.512, 1, 2.5]

/**
 * The usage recorder's batch writes on GET /metrics: how long each took and how long it held the event loop
 * (histograms and the slowest so far), and the rows written. The benchmark reads these to report the flush's p99 and max under load.
 */
export class UsageFlushMetrics {
  private readonly duration = new HistogramSeries(FLUSH_BUCKETS_S)
  private readonly blocking = new HistogramSeries(FLUSH_BUCKETS_S)
  private maxSeconds = 0
  private maxBlockingSeconds = 0
  private rows = 0
  private failures = 0

  constructor(usage: UsageRecorder) {
    usage.onFlushed((timing) => this.observe(timing))
  }

  observe(timing: UsageFlushTiming): void {
    this.duration.observe(timing.seconds)
    this.maxSeconds = Math.max(this.maxSeconds, timing.seconds)
    this.blocking.observe(timing.blockingSeconds)
    this.maxBlockingSeconds = Math.max(this.maxBlockingSeconds, timing.blockingSeconds)
    if (timing.ok) this.rows += timing.rows
    else this.failures++
  }

  render(): string {
    let out = familyHeader('manifold_usage_flush_seconds', 'histogram', 'Duration of each usage batch write (rows and rollups in one transaction or batch).')
    out += this.duration.write('manifold_usage_flush_seconds', {})
    out += familyHeader('manifold_usage_flush_max_seconds', 'gauge', 'The slowest usage batch write since the process started.')
    out += `manifold_usage_flush_max_seconds ${this.maxSeconds}\n`
    out += familyHeader('manifold_usage_flush_blocking_seconds', 'histogram', 'The part of each usage batch write that held the event loop (a message post when a writer thread writes).')
    out += this.blocking.write('manifold_usage_flush_blocking_seconds', {})
    out += familyHeader('manifold_usage_flush_blocking_max_seconds', 'gauge', 'The longest the event loop was held by one usage batch write.')
    out += `manifold_usage_flush_blocking_max_seconds ${this.maxBlockingSeconds}\n`
    out += familyHeader('manifold_usage_rows_written_total', 'counter', 'Usage rows written to the database.')
    out += `manifold_usage_rows_written_total ${this.rows}\n`
    out += familyHeader('manifold_usage_flush_failures_total', 'counter', 'Usage batch writes that failed (their rows are kept and written again).')
    out += `manifold_usage_flush_failures_total ${this.failures}\n`
    return out
  }
}
