// The usage recorder's flush timings, read from Manifold's GET /metrics after the load: the p99 (as the upper
// bound of the histogram bucket holding it) and the max of each write's duration and of the part of it that
// held the event loop.
import { percentileFromBuckets } from './stats.js'

const SAMPLE = /^(manifold_usage_[a-z_]+?)(?:\{le="([^"]+)"\})? ([0-9.eE+-]+|\+Inf)$/

/** Parses the manifold_usage_* samples of an exposition: scalar values and histogram buckets by name. */
export function parseUsageFlushSamples(text) {
  const values = {}
  const buckets = {}
  for (const line of text.split('\n')) {
    const match = SAMPLE.exec(line)
    if (!match) continue
    const [, name, le, value] = match
    if (le === undefined) values[name] = Number(value)
    else (buckets[name.replace(/_bucket$/, '')] ??= []).push({ le: le === '+Inf' ? Number.POSITIVE_INFINITY : Number(le), count: Number(value) })
  }
  return { values, buckets }
}

export async function scrapeUsageFlush(manifold) {
  const res = await fetch(`${manifold.url}/metrics`, { headers: { authorization: `Bearer ${manifold.adminKey}` } })
  if (res.status !== 200) throw new Error(`GET /metrics answered ${res.status}`)
  const { values, buckets } = parseUsageFlushSamples(await res.text())
  const ms = (seconds) => (seconds === null || seconds === undefined ? null : seconds * 1000)
  const duration = buckets.manifold_usage_flush_seconds
  const blocking = buckets.manifold_usage_flush_blocking_seconds
  if (!duration || !blocking) throw new Error('GET /metrics has no manifold_usage_flush_seconds histogram')
  return {
    flushes: values.manifold_usage_flush_seconds_count,
    rowsWritten: values.manifold_usage_rows_written_total,
    failures: values.manifold_usage_flush_failures_total,
    durationP99MsAtMost: ms(percentileFromBuckets(duration, 99)),
    durationMaxMs: ms(values.manifold_usage_flush_max_seconds),
    blockingP50MsAtMost: ms(percentileFromBuckets(blocking, 50)),
    // The typical flush: on 2 shared cores a wall-clock p99 of a sub-millisecond section mostly measures the scheduler.
    blockingQuarterMsFlushes: blocking.find((b) => b.le === 0.00025)?.count ?? null,
    blockingP99MsAtMost: ms(percentileFromBuckets(blocking, 99)),
    blockingMaxMs: ms(values.manifold_usage_flush_blocking_max_seconds),
  }
}
