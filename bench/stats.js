// Percentiles of one run, and the median with min–max across repetitions.

/** The p-th percentile (0–100) of ascending `sorted`, nearest rank; null when empty. */
export function percentile(sorted, p) {
  if (sorted.length === 0) return null
  const rank = Math.ceil((p / 100) * sorted.length)
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]
}

export function median(values) {
  const sorted = values.filter((v) => v !== null && Number.isFinite(v)).sort((a, b) => a - b)
  if (sorted.length === 0) return null
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

/** Median, min and max of one figure across repetitions. */
export function spread(values) {
  const finite = values.filter((v) => v !== null && Number.isFinite(v))
  if (finite.length === 0) return null
  return { median: median(finite), min: Math.min(...finite), max: Math.max(...finite), runs: finite.map((v) => round(v, 4)) }
}

export const round = (value, digits = 2) => (value === null || value === undefined ? null : Number(value.toFixed(digits)))

/** The upper bound of the cumulative histogram bucket holding the p-th percentile (nearest rank); null when empty. */
export function percentileFromBuckets(buckets, p) {
  const sorted = [...buckets].sort((a, b) => a.le - b.le)
  const total = sorted.at(-1)?.count ?? 0
  if (total === 0) return null
  const rank = Math.ceil((p / 100) * total)
  return sorted.find((b) => b.count >= rank).le
}
