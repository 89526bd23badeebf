import type { AppDeps } from '../../deps.js'
import type { ResolvedRoute, Target } from '../../routing/resolve.js'

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

/**
 * Models that take a reasoning setting, by provider type. OpenAI and Mistral refuse reasoning_effort on
 * the others (a 400 on every Claude Code call, which always asks for thinking), so thinking is mapped only
 * where the model reasons; OpenAI-compatible servers only for names that say so (deepseek-reasoner, qwq, …).
 */
const reasoningModels: Record<string, RegExp> = {
  openai: /^(o\d|gpt-5|codex)/,
  gemini: /^gemini-(2\.5|[3-9])/,
  mistral: /^magistral/,
  anthropic: /^claude-/,
  'openai-compatible': /reason|think|r1|qwq|gpt-oss/i,
}

function reasons(target: Target): boolean {
  return reasoningModels[target.entry.provider.type]?.test(target.upstreamModel) ?? false
}

/** Whether every target of the route takes a reasoning setting (the translated body is shared by all). */
export function routeReasons(route: ResolvedRoute): boolean {
  return route.targets.every(reasons)
}
