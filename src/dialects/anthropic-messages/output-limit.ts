import type { AppDeps } from '../../deps.js'
import type { ResolvedRoute } from '../../routing/resolve.js'

/**
 * The smallest output limit (price table) among a route's targets, or undefined when none is known:
 * max_tokens is clamped to it so that a request sized for Claude (Claude Code asks for 32000) is not
 * refused by a backend with a smaller limit.
 */
export function routeOutputLimit(deps: AppDeps, route: ResolvedRoute): number | undefined {
  let limit: number | undefined
  for (const target of route.targets) {
    const price = deps.prices.lookup(target.providerName, target.upstreamModel) ?? deps.prices.lookup(target.entry.provider.type, target.upstreamModel)
    const max = price?.maxOutputTokens
    if (max !== undefined && (limit === undefined || max < limit)) limit = max
  }
  return limit
}
