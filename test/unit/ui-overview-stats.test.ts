import { describe, expect, it } from 'vitest'
import { Stats } from '../../src/ui/pages/overview.js'

const figure = (html: string, field: string) => new RegExp(`data-field="${field}" data-value="([^"]*)">([^<]*)<`).exec(html)?.slice(1)

describe('the overview\'s totals', () => {
  it('render the fields the usage API adds (TTFT, error rate, cache savings) when present', async () => {
    const html = (await Stats({ totals: { requests: 1200, input_tokens: 5, output_tokens: 7, cost_usd: 0.5, latency_p50_ms: 40, latency_p95_ms: 90, ttft_p50_ms: 12, ttft_p95_ms: 30, error_rate: 0.0125, cache_savings_usd: 0.002 } }).toString())
    expect(figure(html, 'requests')).toEqual(['1200', '1,200'])
    expect(figure(html, 'ttft_p50_ms')).toEqual(['12', '12 ms'])
    expect(figure(html, 'ttft_p95_ms')).toEqual(['30', '30 ms'])
    expect(figure(html, 'error_rate')).toEqual(['0.0125', '1.25 %'])
    expect(figure(html, 'cache_savings_usd')).toEqual(['0.002', '$0.002000'])
  })

  it('show "—" for fields the API does not send, and zero sums for a range without calls', async () => {
    const partial = (await Stats({ totals: { requests: 3, input_tokens: 1, output_tokens: 1, cost_usd: 0, latency_p50_ms: null, latency_p95_ms: null } }).toString())
    expect(figure(partial, 'ttft_p50_ms')).toEqual(['null', '—'])
    expect(figure(partial, 'error_rate')).toEqual(['null', '—'])
    expect(figure(partial, 'latency_p50_ms')).toEqual(['null', '—'])
    const empty = (await Stats({ totals: undefined }).toString())
    expect(figure(empty, 'requests')).toEqual(['0', '0'])
    expect(figure(empty, 'cost_usd')).toEqual(['0', '$0.0000'])
    expect(figure(empty, 'cache_savings_usd')).toEqual(['null', '—'])
  })
})
