import { describe, expect, it, vi } from 'vitest'
import type { RouteConfig } from '../../src/config.js'
import { cachedRouteHeader } from '../../src/routing/route-header-cache.js'
import { parseRouteHeader } from '../../src/routing/resolve.js'

const header = (model: string) => JSON.stringify({ strategy: 'fallback', targets: [model] })

describe('the x-manifold-route parse cache', () => {
  it('parses a header once and hands back the same route after', () => {
    const parse = vi.fn(parseRouteHeader)
    const raw = header('openai/cache-once')
    const first = cachedRouteHeader(raw, parse)
    expect(cachedRouteHeader(raw, parse)).toBe(first)
    expect(first).toEqual({ strategy: 'fallback', targets: ['openai/cache-once'] })
    expect(parse).toHaveBeenCalledTimes(1)
  })

  it('keeps nothing of a header that does not parse: the error comes every time', () => {
    const parse = vi.fn(parseRouteHeader)
    for (let i = 0; i < 2; i++) expect(() => cachedRouteHeader('{"strategy": "nope"', parse)).toThrow('not valid JSON')
    expect(parse).toHaveBeenCalledTimes(2)
  })

  it('is bounded: the least recently used header is parsed again once 128 others came after it', () => {
    const parse = vi.fn((raw: string): RouteConfig => parseRouteHeader(raw))
    const oldest = header('openai/lru-oldest')
    const kept = header('openai/lru-kept')
    cachedRouteHeader(oldest, parse)
    cachedRouteHeader(kept, parse)
    for (let i = 0; i < 127; i++) {
      cachedRouteHeader(header(`openai/lru-${i}`), parse)
      cachedRouteHeader(kept, parse)
    }
    parse.mockClear()
    cachedRouteHeader(kept, parse)
    expect(parse).not.toHaveBeenCalled()
    cachedRouteHeader(oldest, parse)
    expect(parse).toHaveBeenCalledTimes(1)
  })

  it('does not hold a very long header', () => {
    const parse = vi.fn(parseRouteHeader)
    const long = JSON.stringify({ strategy: 'fallback', targets: Array.from({ length: 300 }, (_, i) => `openai/long-model-${i}`) })
    cachedRouteHeader(long, parse)
    cachedRouteHeader(long, parse)
    expect(parse).toHaveBeenCalledTimes(2)
  })
})
