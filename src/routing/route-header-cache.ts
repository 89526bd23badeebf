import type { RouteConfig } from '../config.js'

/** Enough for every route a deployment's clients actually send; each entry is one header's text and its parse. */
const CAPACITY = 128
/** A header longer than this is parsed every time rather than held. */
const MAX_CACHED_LENGTH = 4096

/**
 * The last parses of the `x-manifold-route` header, least recently used evicted first (a Map keeps insertion
 * order: a hit is moved to the end). A parse depends on the header's text alone, so one memo serves every
 * app in the process; the parsed routes are only read, never changed, by their users.
 */
const parsed = new Map<string, RouteConfig>()

export function cachedRouteHeader(raw: string, parse: (raw: string) => RouteConfig): RouteConfig {
  const hit = parsed.get(raw)
  if (hit) {
    parsed.delete(raw)
    parsed.set(raw, hit)
    return hit
  }
  const route = parse(raw)
  if (raw.length <= MAX_CACHED_LENGTH) {
    if (parsed.size >= CAPACITY) parsed.delete(parsed.keys().next().value!)
    parsed.set(raw, route)
  }
  return route
}
