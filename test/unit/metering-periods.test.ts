import { describe, expect, it } from 'vitest'
import { periodWindow } from '../../src/metering/budget-period.js'
import { formatResetDuration } from '../../src/metering/rate-limit-headers.js'
import { parseInstant } from '../../src/metering/time-range.js'
import { formatDollars, picoToUsdText, usdToPico } from '../../src/metering/usd.js'
import { tokensFromUsage } from '../../src/metering/usage-of.js'

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString())

describe('budget periods (calendar, UTC)', () => {
  const at = Date.UTC(2026, 1, 28, 23, 59, 59, 999) // Saturday 28 February 2026, the last millisecond
  it.each([
    ['daily', '2026-02-28T00:00:00.000Z', '2026-03-01T00:00:00.000Z'],
    ['weekly', '2026-02-23T00:00:00.000Z', '2026-03-02T00:00:00.000Z'],
    ['monthly', '2026-02-01T00:00:00.000Z', '2026-03-01T00:00:00.000Z'],
    ['total', '1970-01-01T00:00:00.000Z', null],
  ] as const)('%s', (period, start, resets) => {
    const w = periodWindow(period, at)
    expect([iso(w.start), iso(w.resetsAt)]).toEqual([start, resets])
  })
  it('a week starts on Monday, and December rolls into January', () => {
    expect(iso(periodWindow('weekly', Date.UTC(2026, 6, 27)).start)).toBe('2026-07-27T00:00:00.000Z')
    expect(iso(periodWindow('weekly', Date.UTC(2026, 6, 26, 23)).start)).toBe('2026-07-20T00:00:00.000Z')
    expect(iso(periodWindow('monthly', Date.UTC(2026, 11, 31)).resetsAt)).toBe('2027-01-01T00:00:00.000Z')
  })
})

describe('money', () => {
  it('USD → picodollars exactly, and back as exact text past 2^53', () => {
    expect(usdToPico(0.01)).toBe(10_000_000_000)
    expect(usdToPico(25.5)).toBe(25_500_000_000_000)
    expect(picoToUsdText(146_800_000)).toBe('0.0001468')
    expect(picoToUsdText('123456789012345678901')).toBe('123456789.012345678901')
    expect(picoToUsdText(0)).toBe('0')
    expect(formatDollars(37_900_000_000)).toBe('$0.04')
    expect(formatDollars(1_000_000)).toBe('$0.000001')
  })
})

describe('OpenAI-style durations and instants', () => {
  it.each([[20, '20ms'], [1000, '1s'], [12_060, '12.06s'], [60_000, '1m0s'], [68_220, '1m8.22s'], [360_000, '6m0s']])('%i ms → %s', (ms, text) => {
    expect(formatResetDuration(ms)).toBe(text)
  })
  it('parses ISO dates and times (UTC when no zone), epoch ms and ages', () => {
    const now = Date.UTC(2026, 6, 24, 12)
    expect(parseInstant('2026-07-01', now)).toBe(Date.UTC(2026, 6, 1))
    expect(parseInstant('2026-07-01T10:00', now)).toBe(Date.UTC(2026, 6, 1, 10))
    expect(parseInstant('2026-07-01T10:00:00+02:00', now)).toBe(Date.UTC(2026, 6, 1, 8))
    expect(parseInstant('7d', now)).toBe(now - 7 * 86_400_000)
    expect(parseInstant(String(now), now)).toBe(now)
    expect(parseInstant('yesterday', now)).toBeUndefined()
  })
})

describe('usage → token counts', () => {
  it('reasoning reported beside completion tokens (xAI) is added to the output; inside them (OpenAI) it is not', () => {
    expect(tokensFromUsage({ prompt_tokens: 307, completion_tokens: 26, total_tokens: 588, completion_tokens_details: { reasoning_tokens: 255 } }).completionTokens).toBe(281)
    expect(tokensFromUsage({ prompt_tokens: 339, completion_tokens: 92, total_tokens: 431, completion_tokens_details: { reasoning_tokens: 48 } }).completionTokens).toBe(92)
  })
})
