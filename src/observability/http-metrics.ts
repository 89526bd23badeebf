import { familyHeader, HistogramSeries, labelText } from '../metering/prometheus-text.js'
import type { Surface } from './request-observation.js'

const REQUEST_BUCKETS_S = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120]
const TTFT_BUCKETS_S = [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30]

/** A finished client request, its labels already bounded. */
export interface ClientRequestSample {
  surface: Surface
  route: string
  status: number
  code: string
  latencyMs: number
  /** Time from the request's arrival to the first output token; null when none came. */
  ttftMs: number | null
  /** Set when the gateway refused the call before any upstream attempt. */
  refusal?: RefusalReason
}

export type RefusalReason = 'auth' | 'permission' | 'not_found' | 'body_too_large' | 'rate_limit' | 'budget'

/** Why a call answered with `status`/`code` before reaching any upstream, or undefined when that is not a refusal. */
export function refusalReason(status: number, code: string): RefusalReason | undefined {
  switch (status) {
    case 401: return 'auth'
    case 403: return 'permission'
    case 404: return 'not_found'
    case 413: return 'body_too_large'
    case 429:
      return code === 'insufficient_quota' || code.startsWith('budget') ? 'budget' : 'rate_limit'
    default: return undefined
  }
}

function statusClass(status: number): string {
  return `${Math.floor(status / 100)}xx`
}

/** Client requests (refusals included) by surface, route, status class and code; latency and TTFT histograms. */
export class HttpMetrics {
  private readonly requests = new Map<string, { labels: Record<string, string>; count: number }>()
  private readonly refusals = new Map<string, { labels: Record<string, string>; count: number }>()
  private readonly latency = new Map<string, { labels: Record<string, string>; series: HistogramSeries }>()
  private readonly ttft = new Map<string, { labels: Record<string, string>; series: HistogramSeries }>()

  observe(sample: ClientRequestSample): void {
    const cls = statusClass(sample.status)
    bump(this.requests, { surface: sample.surface, route: sample.route, status_class: cls, code: sample.code })
    if (sample.refusal) bump(this.refusals, { surface: sample.surface, reason: sample.refusal, code: sample.code })
    histogram(this.latency, { surface: sample.surface, status_class: cls }, REQUEST_BUCKETS_S).observe(sample.latencyMs / 1000)
    if (sample.ttftMs !== null) histogram(this.ttft, { surface: sample.surface }, TTFT_BUCKETS_S).observe(sample.ttftMs / 1000)
  }

  render(): string {
    let out = familyHeader('manifold_http_requests_total', 'counter', 'Client requests by surface, route, status class and error code (refused calls included).')
    for (const { labels, count } of this.requests.values()) out += `manifold_http_requests_total${labelText(labels)} ${count}\n`
    out += familyHeader('manifold_refusals_total', 'counter', 'Client requests refused before any upstream call: authentication, permission, unknown model, body size, rate limits and budgets.')
    for (const { labels, count } of this.refusals.values()) out += `manifold_refusals_total${labelText(labels)} ${count}\n`
    out += familyHeader('manifold_http_request_duration_seconds', 'histogram', 'Client request latency, until the last byte of the response (streams included).')
    for (const { labels, series } of this.latency.values()) out += series.write('manifold_http_request_duration_seconds', labels)
    out += familyHeader('manifold_http_time_to_first_token_seconds', 'histogram', 'Time from a client request\'s arrival to its first output token.')
    for (const { labels, series } of this.ttft.values()) out += series.write('manifold_http_time_to_first_token_seconds', labels)
    return out
  }
}

function keyOf(labels: Record<string, string>): string {
  return Object.values(labels).join('\u0000')
}

function bump(into: Map<string, { labels: Record<string, string>; count: number }>, labels: Record<string, string>): void {
  const id = keyOf(labels)
  const entry = into.get(id)
  if (entry) entry.count++
  else into.set(id, { labels, count: 1 })
}

function histogram(into: Map<string, { labels: Record<string, string>; series: HistogramSeries }>, labels: Record<string, string>, buckets: readonly number[]): HistogramSeries {
  const id = keyOf(labels)
  let entry = into.get(id)
  if (!entry) {
    entry = { labels, series: new HistogramSeries(buckets) }
    into.set(id, entry)
  }
  return entry.series
}
