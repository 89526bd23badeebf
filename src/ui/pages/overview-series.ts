import { bucketLabel, type OverviewRange } from './overview-range.js'

/** The fields of an /admin/usage row the charts draw. */
export interface UsageRow {
  group: Record<string, string | null>
  requests: number
  input_tokens: number
  output_tokens: number
  cost_usd: number
}

export interface ChartSeries {
  /** The split's value (null: calls without one, such as no team). */
  group: string | null
  label: string
  requests: number[]
  tokens: number[]
  cost_usd: number[]
}

/** What the page embeds for its charts: bucket starts (seconds, as uPlot wants them) and one series per group. */
export interface ChartData {
  bucket: 'hour' | 'day'
  split: string
  x: number[]
  series: ChartSeries[]
}

/** Most series a chart draws; the smaller groups are added up into "other". */
export const MAX_SERIES = 8

/** Sums in floating point drift (0.1 + 0.2); a cost is shown to the picodollar at most. */
const roundUsd = (value: number) => Math.round(value * 1e12) / 1e12

/**
 * Turns `/admin/usage?group_by=<hour|day>,<split>` rows into one array per group over every bucket of the
 * range (zero where the API has no row), the largest groups by requests first.
 */
export function chartData(rows: readonly UsageRow[], range: OverviewRange, labelOf: (group: string | null) => string): ChartData {
  const index = new Map(range.buckets.map((at, i) => [bucketLabel(at, range.bucket), i]))
  const byGroup = new Map<string | null, ChartSeries>()
  for (const row of rows) {
    const slot = index.get(row.group[range.bucket] ?? '')
    if (slot === undefined) continue
    const group = row.group[range.split] ?? null
    let series = byGroup.get(group)
    if (!series) {
      const zeros = () => range.buckets.map(() => 0)
      series = { group, label: labelOf(group), requests: zeros(), tokens: zeros(), cost_usd: zeros() }
      byGroup.set(group, series)
    }
    series.requests[slot]! += row.requests
    series.tokens[slot]! += row.input_tokens + row.output_tokens
    series.cost_usd[slot] = roundUsd(series.cost_usd[slot]! + row.cost_usd)
  }
  const total = (s: ChartSeries) => s.requests.reduce((a, b) => a + b, 0)
  const sorted = [...byGroup.values()].sort((a, b) => total(b) - total(a) || a.label.localeCompare(b.label))
  const series = sorted.slice(0, MAX_SERIES - 1)
  const rest = sorted.slice(MAX_SERIES - 1)
  if (rest.length === 1) series.push(rest[0]!)
  else if (rest.length > 1) {
    const sum = (pick: (s: ChartSeries) => number[]) => range.buckets.map((_, i) => rest.reduce((acc, s) => acc + pick(s)[i]!, 0))
    series.push({ group: null, label: `${rest.length} others`, requests: sum((s) => s.requests), tokens: sum((s) => s.tokens), cost_usd: sum((s) => s.cost_usd).map(roundUsd) })
  }
  return { bucket: range.bucket, split: range.split, x: range.buckets.map((at) => at / 1000), series }
}
