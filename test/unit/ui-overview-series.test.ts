import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { overviewRange } from '../../src/ui/pages/overview-range.js'
import { chartData, MAX_SERIES, type UsageRow } from '../../src/ui/pages/overview-series.js'
import { UPLOT_MODULE, uplotModuleText } from '../../scripts/ui-vendor.js'

const NOW = Date.UTC(2026, 11, 4, 9, 30)
const row = (hour: string, provider: string | null, requests: number, cost = 0.001): UsageRow =>
  ({ group: { hour, provider }, requests, input_tokens: requests * 10, output_tokens: requests * 5, cost_usd: cost })

describe('overviewRange', () => {
  it('covers the last 24 whole hours, the current one included', () => {
    const r = overviewRange({}, NOW)
    expect([r.range, r.bucket, r.split]).toEqual(['24h', 'hour', 'provider'])
    expect(new Date(r.from).toISOString()).toBe('2026-12-03T10:00:00.000Z')
    expect(r.to).toBe(NOW + 1)
    expect(r.buckets).toHaveLength(24)
  })

  it('uses days for 30 days, and hours for 7 days unless asked for days', () => {
    const month = overviewRange({ range: '30d' }, NOW)
    expect([month.bucket, month.buckets.length, new Date(month.from).toISOString()]).toEqual(['day', 30, '2026-11-05T00:00:00.000Z'])
    expect(overviewRange({ range: '7d' }, NOW).buckets).toHaveLength(168)
    expect(overviewRange({ range: '7d', per: 'day' }, NOW).buckets).toHaveLength(7)
  })

  it('reads a custom range of dates, the end date included; a bad one falls back to 24 h and says so', () => {
    const r = overviewRange({ range: 'custom', from: '2026-11-01', to: '2026-11-03', split: 'team' }, NOW)
    expect([r.range, r.bucket, r.split, r.buckets.length, r.fromDate, r.toDate]).toEqual(['custom', 'day', 'team', 3, '2026-11-01', '2026-11-03'])
    const bad = overviewRange({ range: 'custom', from: '2026-11-05', to: '2026-11-01' }, NOW)
    expect([bad.range, bad.buckets.length]).toEqual(['24h', 24])
    expect(bad.problem).toMatch(/custom range needs a start and an end date/)
    expect(overviewRange({ range: 'custom', from: '2025-01-01', to: '2026-11-01', per: 'hour' }, NOW).bucket).toBe('day')
  })
})

describe('chartData', () => {
  const range = overviewRange({}, NOW)

  it('puts each API row in its bucket, zero elsewhere, the busiest group first', () => {
    const data = chartData([row('2026-12-04T09:00Z', 'openai', 2, 0.1), row('2026-12-04T09:00Z', 'openai', 1, 0.2), row('2026-12-03T10:00Z', null, 5)], range, (g) => g ?? '(none)')
    expect(data.x[0]).toBe(range.from / 1000)
    expect(data.series.map((s) => s.label)).toEqual(['(none)', 'openai'])
    const openai = data.series[1]!
    expect(openai.requests.at(-1)).toBe(3)
    expect(openai.tokens.at(-1)).toBe(45)
    expect(openai.cost_usd.at(-1)).toBe(0.3)
    expect(openai.requests.slice(0, -1).every((v) => v === 0)).toBe(true)
    expect(data.series[0]!.requests[0]).toBe(5)
  })

  it('adds the smaller groups up into one "others" series', () => {
    const rows = Array.from({ length: MAX_SERIES + 2 }, (_, i) => row('2026-12-04T09:00Z', `p${i}`, 100 - i))
    const data = chartData(rows, range, (g) => g ?? '')
    expect(data.series).toHaveLength(MAX_SERIES)
    expect(data.series.at(-1)!.label).toBe('3 others')
    expect(data.series.at(-1)!.requests.at(-1)).toBe(93 + 92 + 91)
  })
})

describe('the vendored uPlot module', () => {
  it('is what scripts/ui-vendor.ts makes from node_modules/uplot (regenerate it after updating uplot)', () => {
    expect(readFileSync(UPLOT_MODULE, 'utf8')).toBe(uplotModuleText())
  })
})
