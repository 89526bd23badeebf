/** OpenAI's rate-limit headers, spelled as OpenAI spells them. */

/** A wait as OpenAI writes it: `20ms`, `1.5s`, `6m0s`. */
export function formatResetDuration(ms: number): string {
  const whole = Math.max(0, Math.ceil(ms))
  if (whole < 1000) return `${whole}ms`
  const trim = (n: number) => n.toFixed(3).replace(/\.?0+$/, '')
  const seconds = whole / 1000
  if (seconds < 60) return `${trim(seconds)}s`
  const minutes = Math.floor(seconds / 60)
  return `${minutes}m${trim(seconds - minutes * 60)}s`
}

/** Retry-After in whole seconds, never 0 (a client would retry at once). */
export function retryAfterSeconds(ms: number): string {
  return String(Math.max(1, Math.ceil(ms / 1000)))
}

export interface LimitState {
  limit: number
  remaining: number
  /** Until the limit is back to full. */
  resetMs: number
}

export function limitHeaders(kind: 'requests' | 'tokens', state: LimitState, into: Record<string, string>): void {
  into[`x-ratelimit-limit-${kind}`] = String(state.limit)
  into[`x-ratelimit-remaining-${kind}`] = String(Math.max(0, Math.floor(state.remaining)))
  into[`x-ratelimit-reset-${kind}`] = formatResetDuration(state.resetMs)
}
