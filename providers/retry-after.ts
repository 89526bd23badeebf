/**
 * The delay an upstream asked for, from `retry-after-ms` (OpenAI) or `retry-after` (seconds or an
 * HTTP date). Undefined when the headers say nothing usable.
 */
export function retryAfterMsFromHeaders(headers: Headers | undefined, now: number = Date.now()): number | undefined {
  if (!headers) return undefined
  const ms = headers.get('retry-after-ms')
  if (ms !== null) {
    const value = Number(ms)
    if (Number.isFinite(value) && value >= 0) return Math.round(value)
  }
  const after = headers.get('retry-after')
  if (after === null) return undefined
  const seconds = Number(after)
  if (Number.isFinite(seconds) && seconds >= 0) return Math.round(seconds * 1000)
  const date = Date.parse(after)
  if (Number.isFinite(date)) return Math.max(0, date - now)
  return undefined
}
