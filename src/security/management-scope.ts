import type { MiddlewareHandler } from 'hono'
import type { AppEnv, Principal } from '../app-env.js'
import { GatewayError } from '../errors.js'

/** Which teams a caller manages: every team (`null`, the admin key) or its own (a team admin key). */
export interface ManagementScope {
  team: string | null
}

export const adminRequired = (message = 'This endpoint needs the admin key.') =>
  new GatewayError(403, message, { type: 'permission_error', code: 'admin_required' })

/** The caller's management scope; a member key (or a team admin key that lost its team) manages nothing. */
export function managementScope(principal: Principal | undefined): ManagementScope {
  if (principal?.kind === 'admin') return { team: null }
  if (principal?.kind === 'key' && principal.key.role === 'team_admin' && principal.key.team !== null) return { team: principal.key.team }
  throw adminRequired()
}

/** Whether a row of `team` is within the scope (a team admin sees its own team only). */
export function inScope(scope: ManagementScope, team: string | null): boolean {
  return scope.team === null || scope.team === team
}

/**
 * The team a list is filtered by: the `team=` the caller asked for, which a team admin may only set to its
 * own team (403 `team_scope` otherwise), and a team admin's own team when it asked for none.
 */
export function teamFilter(scope: ManagementScope, requested: string | undefined): string | undefined {
  if (scope.team === null) return requested
  if (requested !== undefined && requested !== scope.team) {
    throw new GatewayError(403, `This key manages the team \`${scope.team}\` only.`, { type: 'permission_error', code: 'team_scope' })
  }
  return scope.team
}

/** The /admin routes a team admin key may call (limited to its team by the routes themselves); `METHOD path`. */
const TEAM_ADMIN_ROUTES: ReadonlyArray<[method: string, path: RegExp]> = [
  ['GET', /^\/admin\/keys$/],
  ['POST', /^\/admin\/keys$/],
  ['GET', /^\/admin\/keys\/[^/]+$/],
  ['PATCH', /^\/admin\/keys\/[^/]+$/],
  ['DELETE', /^\/admin\/keys\/[^/]+$/],
  ['POST', /^\/admin\/keys\/[^/]+\/rotate$/],
  ['GET', /^\/admin\/usage$/],
  ['GET', /^\/admin\/requests(\/[^/]+)?$/],
  ['GET', /^\/admin\/access-requests$/],
  ['POST', /^\/admin\/access-requests\/[^/]+\/(approve|refuse)$/],
]

export function teamAdminMayCall(method: string, path: string): boolean {
  const asGet = method === 'HEAD' ? 'GET' : method
  return TEAM_ADMIN_ROUTES.some(([m, pattern]) => m === asGet && pattern.test(path))
}

/** Guards /admin/*: the admin key everywhere, a team admin key on the routes it may call, nobody else. */
export function requireManager(): MiddlewareHandler<AppEnv> {
  return async function requireManager(c, next) {
    const principal = c.get('principal')
    if (principal?.kind !== 'admin') {
      managementScope(principal)
      if (!teamAdminMayCall(c.req.method, c.req.path)) throw adminRequired()
    }
    await next()
  }
}
