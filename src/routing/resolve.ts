import type { ProviderEntry } from '../../providers/index.js'
import { enablingVariable, routeSchema, type RouteConfig, type TargetConfig } from '../config.js'
import type { AppDeps } from '../deps.js'
import { invalidRequest, modelNotFound, providerNotEnabled } from '../errors.js'

export type Strategy = RouteConfig['strategy']

/** One backend a call may go to. */
export interface Target {
  /** As the caller or the config named it: `openai/gpt-4o-mini`. */
  model: string
  providerName: string
  /** What the upstream receives in `model`. */
  upstreamModel: string
  entry: ProviderEntry
  weight: number
  timeoutMs?: number
  retries?: number
  params?: Record<string, unknown>
}

export interface ResolvedRoute {
  /** The route's name: a configured route, `header` for x-manifold-route, or the model itself. */
  name: string
  strategy: Strategy
  targets: Target[]
  retryOnStatus?: number[]
  timeoutMs?: number
}

/** `provider/model` → the registered provider and the upstream's model name. */
export function resolveTarget(deps: AppDeps, spec: TargetConfig): Target {
  const model = typeof spec === 'string' ? spec : spec.model
  const aliased = deps.config.file.aliases[model] ?? model
  const slash = aliased.indexOf('/')
  const providerName = slash > 0 ? aliased.slice(0, slash) : ''
  const upstreamModel = slash > 0 ? aliased.slice(slash + 1) : ''
  const entry = deps.providers.get(providerName)
  const disabledBy = entry || !upstreamModel ? undefined : enablingVariable(providerName)
  if (disabledBy) throw providerNotEnabled(providerName, disabledBy)
  if (!entry || !upstreamModel) throw modelNotFound(model)
  if (typeof spec === 'string') return { model: aliased, providerName, upstreamModel, entry, weight: 1 }
  return {
    model: aliased, providerName, upstreamModel, entry,
    weight: spec.weight ?? 1, timeoutMs: spec.timeout_ms, retries: spec.retries, params: spec.params,
  }
}

function fromRouteConfig(deps: AppDeps, name: string, route: RouteConfig): ResolvedRoute {
  return {
    name,
    strategy: route.strategy,
    targets: route.targets.map((t) => resolveTarget(deps, t)),
    retryOnStatus: route.retry_on_status,
    timeoutMs: route.timeout_ms,
  }
}

/** Parses the per-request `x-manifold-route` header (the same object a configured route holds). */
export function parseRouteHeader(raw: string): RouteConfig {
  let json: unknown
  try {
    json = JSON.parse(raw)
  } catch {
    throw invalidRequest('The x-manifold-route header is not valid JSON.', 'x-manifold-route', 'invalid_route')
  }
  const parsed = routeSchema.safeParse(json)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!
    throw invalidRequest(`Invalid x-manifold-route header: ${issue.path.join('.') || 'route'}: ${issue.message}`, 'x-manifold-route', 'invalid_route')
  }
  return parsed.data
}

/**
 * What `model` (or the x-manifold-route header) means: aliases resolve first, then configured routes,
 * then `provider/model`. Unknown names are a 404 model_not_found.
 */
export function resolveRoute(deps: AppDeps, model: string, routeHeader?: string): ResolvedRoute {
  if (routeHeader !== undefined && routeHeader !== '') return fromRouteConfig(deps, 'header', parseRouteHeader(routeHeader))
  const name = deps.config.file.aliases[model] ?? model
  const route = deps.config.file.routes[name]
  if (route) return fromRouteConfig(deps, name, route)
  const target = resolveTarget(deps, name)
  return { name: target.model, strategy: 'single', targets: [target] }
}
