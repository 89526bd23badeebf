import type { ChatCompletionCreateParams } from 'openai/resources'
import type { Principal } from '../app-env.js'
import { GatewayError } from '../errors.js'
import { matchesAny } from '../security/glob.js'
import type { ApiKeyRow } from '../store/keys-repo.js'
import type { ResolvedRoute } from './resolve.js'

export interface AdmissionRequest {
  principal: Principal
  /** The `model` as the caller wrote it (a model, alias or route name). */
  requested: string
  route: ResolvedRoute
  body: ChatCompletionCreateParams
  prompt?: { name: string; version: string }
  /** The call's request id: the usage rows of its attempts settle its token reservation. */
  requestId?: string
}

/** A call let through: headers for the response (rate limits), and the end of the call to report. */
export interface AdmissionTicket {
  headers: Record<string, string>
  /**
   * Called before upstream attempt number `attempt` (1-based, counting retries, fallbacks and fan-out
   * targets) starts. Attempts paid at admission pass at once (undefined); a further attempt is charged to
   * the key's limits and budget, and rejects with the 429 that stops the route when they are spent.
   */
  beforeAttempt(attempt: number): Promise<void> | undefined
  /** Called exactly once when the call has ended (parallel-call slots, token reservations). */
  release(): void
}

/** Upstream attempts a call pays for at admission: one per target of a fan-out (`all`, `race`), otherwise one. */
export function attemptsPaidAtAdmission(route: ResolvedRoute): number {
  return route.strategy === 'all' || route.strategy === 'race' ? route.targets.length : 1
}

/** Decides before each call whether the key may make it: scopes, budgets, rate limits. */
export interface Admission {
  admit(request: AdmissionRequest): Promise<AdmissionTicket>
  /** A key was updated, rotated or revoked: applied to its limits at once (on Workers, in every isolate). */
  keyChanged?(row: ApiKeyRow): Promise<void>
}

function modelNotAllowed(requested: string): GatewayError {
  return new GatewayError(403, `This API key is not allowed to use the model \`${requested}\`.`, {
    type: 'permission_error', code: 'model_not_allowed', param: 'model',
  })
}

function routeHeaderNotAllowed(message: string): GatewayError {
  return new GatewayError(403, message, { type: 'permission_error', code: 'route_header_not_allowed', param: 'x-manifold-route' })
}

/**
 * A route the caller wrote (x-manifold-route, a WebSocket `route`) is checked against the key's
 * `route_header` policy: `deny` refuses it, `allow` accepts any targets, `in_scope` (the default) accepts it
 * when every target it names is within the key's `models`.
 */
function assertClientRouteAllowed(key: ApiKeyRow, route: ResolvedRoute): void {
  if (key.routeHeader === 'deny') throw routeHeaderNotAllowed('This API key may not route per request: the x-manifold-route header (and a WebSocket `route`) is refused for it.')
  if (key.routeHeader === 'allow' || !key.models) return
  const outside = route.targets.find((t) => !matchesAny(key.models, t.model))
  if (outside) throw routeHeaderNotAllowed(`This API key may not route to \`${outside.model}\`: the x-manifold-route header may only name targets within the key's models.`)
}

/**
 * Scopes are checked against every target the call will actually reach. A key limited to some models may
 * call `provider/model` when it matches, and a configured route or alias when its name matches (the
 * operator chose its targets; the README promises globs over route and alias names) or every one of its
 * targets matches. A route the caller wrote is judged by its targets alone.
 */
export function assertModelAllowed(principal: Principal, requested: string, route: ResolvedRoute): void {
  if (principal.kind === 'admin') return
  const key = principal.key
  if (route.origin === 'client') return assertClientRouteAllowed(key, route)
  const patterns = key.models
  if (!patterns) return
  if (route.origin === 'configured' && (matchesAny(patterns, requested) || matchesAny(patterns, route.name))) return
  if (route.targets.every((t) => matchesAny(patterns, t.model))) return
  throw modelNotAllowed(requested)
}

/** A key limited to some prompt APIs may call only those (a call outside a prompt API is not restricted here). */
export function assertPromptAllowed(principal: Principal, prompt: AdmissionRequest['prompt']): void {
  if (principal.kind === 'admin' || !prompt) return
  const patterns = principal.key.prompts
  if (!patterns || matchesAny(patterns, prompt.name)) return
  throw new GatewayError(403, `This API key is not allowed to use the prompt API \`${prompt.name}\`.`, {
    type: 'permission_error', code: 'prompt_not_allowed', param: null,
  })
}
