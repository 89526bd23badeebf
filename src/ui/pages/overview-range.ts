/** The overview's time range and chart bucket, read from its query string. */

export const RANGES = ['24h', '7d', '30d', 'custom'] as const
export type RangeName = (typeof RANGES)[number]
export const SPLITS = ['provider', 'model', 'key', 'team', 'prompt'] as const
export type Split = (typeof SPLITS)[number]
export type Bucket = 'hour' | 'day'

const HOUR_MS = 3_600_000
const DAY_MS = 86_400_000
const PRESETS: Record<Exclude<RangeName, 'custom'>, { bucket: Bucket; spanMs: number }> = {
  '24h': { bucket: 'hour', spanMs: DAY_MS },
  '7d': { bucket: 'hour', spanMs: 7 * DAY_MS },
  '30d': { bucket: 'day', spanMs: 30 * DAY_MS },
}
/** More hourly points than this and the chart switches to days. */
const MAX_HOURLY_BUCKETS = 31 * 24

export interface OverviewRange {
  range: RangeName
  bucket: Bucket
  split: Split
  /** Inclusive start (a whole hour or day, UTC) and exclusive end, ms since the epoch. */
  from: number
  to: number
  /** The custom range's dates as typed (YYYY-MM-DD), for the form. */
  fromDate: string
  toDate: string
  /** The start of every bucket in [from, to). */
  buckets: number[]
  /** Set when the query asked for something impossible (the page says so and shows the default). */
  problem: string | null
}

const pick = <T extends string>(allowed: readonly T[], value: string | undefined, fallback: T): T =>
  (allowed as readonly string[]).includes(value ?? '') ? (value as T) : fallback

const floorTo = (ms: number, step: number) => Math.floor(ms / step) * step
const isoDate = (ms: number) => new Date(ms).toISOString().slice(0, 10)

function parseDate(value: string | undefined): number | undefined {
  if (!value || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return undefined
  const ms = Date.parse(`${value}T00:00:00Z`)
  return Number.isNaN(ms) ? undefined : ms
}

/** Reads range, per (hour|day), split, from and to; a custom range runs from the first date to the end of the second. */
export function overviewRange(query: Record<string, string | undefined>, now: number): OverviewRange {
  let range = pick(RANGES, query.range, '24h')
  const split = pick(SPLITS, query.split, 'provider')
  let problem: string | null = null
  let from: number
  let to: number
  let bucket: Bucket
  const customFrom = parseDate(query.from)
  const customTo = parseDate(query.to)
  if (range === 'custom' && (customFrom === undefined || customTo === undefined || customFrom > customTo)) {
    problem = 'A custom range needs a start and an end date (YYYY-MM-DD), the start not after the end; showing the last 24 hours.'
    range = '24h'
  }
  if (range === 'custom') {
    from = customFrom!
    to = customTo! + DAY_MS
    bucket = pick(['hour', 'day'], query.per, to - from <= 2 * DAY_MS ? 'hour' : 'day')
  } else {
    // The last N whole buckets, the current one included: 24 hours, 7 days of hours, 30 days.
    const preset = PRESETS[range]
    bucket = pick(['hour', 'day'], query.per, preset.bucket)
    const step = bucket === 'hour' ? HOUR_MS : DAY_MS
    to = now + 1
    from = floorTo(now, step) - (Math.ceil(preset.spanMs / step) - 1) * step
  }
  if (bucket === 'hour' && (to - from) / HOUR_MS > MAX_HOURLY_BUCKETS) bucket = 'day'
  const step = bucket === 'hour' ? HOUR_MS : DAY_MS
  from = floorTo(from, step)
  const buckets: number[] = []
  for (let at = from; at < to; at += step) buckets.push(at)
  return { range, bucket, split, from, to, fromDate: isoDate(from), toDate: isoDate(to - 1), buckets, problem }
}

/** The API's label for a bucket (its `hour` or `day` group value). */
export function bucketLabel(at: number, bucket: Bucket): string {
  const iso = new Date(at).toISOString()
  return bucket === 'hour' ? `${iso.slice(0, 13)}:00Z` : iso.slice(0, 10)
}
