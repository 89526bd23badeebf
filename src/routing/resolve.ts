import type { ProviderEntry } from '../../providers/index.js'
import { enablingVariable, routeSchema, type ClientRouteBounds, type RouteConfig, type TargetConfig } from '../config.js'
import type { AppDeps } from '../deps.js'
import { invalidRequest, modelNotFound, providerNotEnabled } from '../errors.js'
import { jsonDepthExceeds, MAX_JSON_DEPTH } from '../openai/read-json.js'
import { validateModelName, validateUpstreamModel } from './model-name.js'
import { cachedRouteHeader } from './route-header-cache.js'

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

/**
 * Who chose the targets: the caller (the x-manifold-route header or a WebSocket `route`), the operator (a
 * configured route or alias), or nobody (`provider/model` named directly).
 */
export type RouteOrigin = 'client' | 'configured' | 'model'

export interface ResolvedRoute {
  /** The route's name: a configured route, `header` for x-manifold-route, or the model itself. */
  name: string
  origin: RouteOrigin
  strategy: Strategy
  targets: Target[]
  retryOnStatus?: number[]
  timeoutMs?: number
}

/** `provider/model` → the registered provider and the upstream's model name. */
export function resolveTarget(deps: AppDeps, spec: TargetConfig, param = 'model'): Target {
  const model = typeof spec === 'string' ? spec : spec.model
  validateModelName(model, param)
  const aliased = deps.config.file.aliases[model] ?? model
  const slash = aliased.indexOf('/')
  const providerName = slash > 0 ? aliased.slice(0, slash) : ''
  const upstreamModel = slash > 0 ? aliased.slice(slash + 1) : ''
  const entry = deps.providers.get(providerName)
  const disabledBy = entry || !upstreamModel ? undefined : enablingVariable(providerName)
  if (disabledBy) throw providerNotEnabled(providerName, disabledBy)
  if (!entry || !upstreamModel) throw modelNotFound(model)
  validateUpstreamModel(entry.spec.type, upstreamModel, model, param)
  if (typeof spec === 'string') return { model: aliased, providerName, upstreamModel, entry, weight: 1 }
  return {
    model: aliased, providerName, upstreamModel, entry,
    weight: spec.weight ?? 1, timeoutMs: spec.timeout_ms, retries: spec.retries, params: spec.params,
  }
}

function fromRouteConfig(deps: AppDeps, name: string, route: RouteConfig, origin: RouteOrigin): ResolvedRoute {
  const param = origin === 'client' ? ROUTE_HEADER : 'model'
  return {
    name,
    origin,
    strategy: route.strategy,
    targets: route.targets.map((t) => resolveTarget(deps, t, param)),
    retryOnStatus: route.retry_on_status,
    timeoutMs: route.timeout_ms,
  }
}

const ROUTE_HEADER = 'x-manifold-route'

function outOfBounds(what: string, bound: number, setting: keyof ClientRouteBounds): never {
  throw invalidRequest(
    `The x-manifold-route header ${what}; this gateway allows at most ${bound} (routing.client_routes.${setting}).`,
    ROUTE_HEADER, 'route_out_of_bounds',
  )
}

/**
 * A route the caller wrote is held to the operator's bounds: too many targets, retries or too long a
 * timeout is a 400; where the caller set nothing, the gateway's defaults are capped to the same bounds.
 */
function boundClientRoute(route: RouteConfig, bounds: ClientRouteBounds, defaults: { retries: number; timeoutMs: number }): RouteConfig {
  if (route.targets.length > bounds.max_targets) outOfBounds(`names ${route.targets.length} targets`, bounds.max_targets, 'max_targets')
  if (route.timeout_ms !== undefined && route.timeout_ms > bounds.max_timeout_ms) outOfBounds(`sets timeout_ms ${route.timeout_ms}`, bounds.max_timeout_ms, 'max_timeout_ms')
  const targets = route.targets.map((target): TargetConfig => {
    const spec = typeof target === 'string' ? { model: target } : target
    if (spec.retries !== undefined && spec.retries > bounds.max_retries) outOfBounds(`sets retries ${spec.retries} on ${spec.model}`, bounds.max_retries, 'max_retries')
    if (spec.timeout_ms !== undefined && spec.timeout_ms > bounds.max_timeout_ms) outOfBounds(`sets timeout_ms ${spec.timeout_ms} on ${spec.model}`, bounds.max_timeout_ms, 'max_timeout_ms')
    return { ...spec, retries: spec.retries ?? Math.min(defaults.retries, bounds.max_retries) }
  })
  return { ...route, targets, timeout_ms: route.timeout_ms ?? Math.min(defaults.timeoutMs, bounds.max_timeout_ms) }
}

/** Parses the per-request `x-manifold-route` header (the same object a configured route holds). */
export function parseRouteHeader(raw: string): RouteConfig {
  if (jsonDepthExceeds(raw, MAX_JSON_DEPTH)) throw invalidRequest(`The x-manifold-route header nests more than ${MAX_JSON_DEPTH} levels deep.`, 'x-manifold-route', 'invalid_route')
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
  validateModelName(model)
  const { file } = deps.config
  if (routeHeader !== undefined && routeHeader !== '') {
    const defaults = { retries: file.routing.retries, timeoutMs: file.routing.request_timeout_ms }
    return fromRouteConfig(deps, 'header', boundClientRoute(cachedRouteHeader(routeHeader, parseRouteHeader), file.routing.client_routes, defaults), 'client')
  }
  const name = file.aliases[model] ?? model
  const origin: RouteOrigin = name !== model || file.routes[name] ? 'configured' : 'model'
  const route = file.routes[name]
  if (route) return fromRouteConfig(deps, name, route, origin)
  const target = resolveTarget(deps, name)
  return { name: target.model, origin, strategy: 'single', targets: [target] }
}
