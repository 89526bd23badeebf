import type { Context, MiddlewareHandler } from 'hono'
import { setPrincipal, type Principal } from '../app-env.js'
import type { AppDeps } from '../deps.js'
import { GatewayError } from '../errors.js'
import { getKey } from '../store/keys-repo.js'
import { clearSessionCookie, readSessionCookie } from './session-cookie.js'
import { deleteSession, findSession, type UiSessionRow } from './session-store.js'
import type { UiEnv, UiSession } from './ui-env.js'

export const SIGN_IN_PATH = '/ui/sign-in'

/** The principal a session acts for, or undefined once its key has been revoked, expired or deleted. */
async function sessionPrincipal(deps: AppDeps, row: UiSessionRow): Promise<Principal | undefined> {
  if (row.keyId === null) return { kind: 'admin', keyId: null, key: null }
  const key = await getKey(deps.store.db, row.keyId)
  if (!key || key.revokedAt !== null) return undefined
  if (key.expiresAt !== null && key.expiresAt <= deps.clock.now()) return undefined
  return { kind: 'key', keyId: key.id, key }
}

/** The session behind the request's cookie, checked again on every request; a dead one is deleted. */
export async function loadSession(deps: AppDeps, c: Context): Promise<UiSession | undefined> {
  const id = readSessionCookie(c)
  if (!id) return undefined
  const row = await findSession(deps, id)
  const principal = row && await sessionPrincipal(deps, row)
  if (!row || !principal) {
    if (row) await deleteSession(deps, id)
    clearSessionCookie(c)
    return undefined
  }
  return { principal, csrfToken: row.csrfToken, expiresAt: row.expiresAt }
}

/** Where to go back to after signing in: a dashboard path on this site, nothing else. */
export function safeReturnPath(value: string | undefined): string | undefined {
  if (!value || !/^\/ui([/?][\w\-./%?=&+:]*)?$/.test(value) || value.includes('//')) return undefined
  return value
}

/**
 * Pages need a session: a browser without one is sent to sign in (303), while posts and the dashboard's
 * JSON answer 401. Only GET, HEAD and POST are dashboard methods; any other is a 404 before a handler runs.
 */
export function requireSession(deps: AppDeps): MiddlewareHandler<UiEnv> {
  return async function requireSession(c, next) {
    if (!['GET', 'HEAD', 'POST'].includes(c.req.method)) return c.notFound()
    const session = await loadSession(deps, c)
    if (!session) {
      if (c.req.method === 'POST' || c.req.path.endsWith('.json')) {
        throw new GatewayError(401, 'Sign in to the dashboard first.', { type: 'invalid_request_error', code: 'session_required' })
      }
      const url = new URL(c.req.url)
      const back = safeReturnPath(url.pathname + url.search)
      return c.redirect(back && back !== '/ui' ? `${SIGN_IN_PATH}?next=${encodeURIComponent(back)}` : SIGN_IN_PATH, 303)
    }
    c.set('session', session)
    setPrincipal(c, session.principal)
    await next()
  }
}
