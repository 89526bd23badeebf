import type { MiddlewareHandler } from 'hono'
import { setPrincipal, type AppEnv, type Principal } from '../app-env.js'
import type { AppDeps } from '../deps.js'
import { GatewayError } from '../errors.js'
import { hashKey, timingSafeEqual } from '../security/keys.js'
import { findKeyByHash, type ApiKeyRow } from '../store/keys-repo.js'

export interface AuthOptions {
  deps: AppDeps
  /** Requests that need no key (method and exact path). */
  isPublic: (method: string, path: string) => boolean
  /** Where else a key may come from (a WebSocket subprotocol, say), tried when there is no Authorization header. */
  extractToken?: (req: Request) => string | undefined
}

const unauthorized = (message: string, code: string) =>
  new GatewayError(401, message, { type: 'invalid_request_error', code })

function bearerToken(header: string | undefined): string | undefined {
  if (!header) return undefined
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header)
  return match?.[1]
}

/**
 * Resolves a presented secret to a principal, or throws the 401 a client should see. Answers at once (no
 * promise) when the key cache knows the secret's hash and its row, as it does for every call but a key's first.
 */
export function authenticate(deps: AppDeps, token: string | undefined): Principal | Promise<Principal> {
  if (!token) throw unauthorized('You didn\'t provide an API key. Send it as "Authorization: Bearer <key>".', 'missing_api_key')
  const known = deps.keyCache.knownHash(token)
  return known === undefined ? hashKey(token).then((hash) => principalOf(deps, token, hash)) : principalOf(deps, token, known)
}

function principalOf(deps: AppDeps, token: string, hash: string): Principal | Promise<Principal> {
  if (timingSafeEqual(hash, deps.adminKeyHash)) {
    deps.keyCache.rememberHash(token, hash)
    return { kind: 'admin', keyId: null, key: null }
  }
  const now = deps.clock.now()
  const row = deps.keyCache.get(hash, now)
  if (row !== undefined) return keyPrincipal(deps, token, hash, row, now)
  return findKeyByHash(deps.store.db, hash).then((found) => {
    deps.keyCache.set(hash, found ?? null, now)
    return keyPrincipal(deps, token, hash, found ?? null, now)
  })
}

function keyPrincipal(deps: AppDeps, token: string, hash: string, row: ApiKeyRow | null, now: number): Principal {
  if (!row) throw unauthorized('Incorrect API key provided.', 'invalid_api_key')
  deps.keyCache.rememberHash(token, hash)
  if (row.revokedAt !== null) throw unauthorized('This API key has been revoked.', 'key_revoked')
  if (row.expiresAt !== null && row.expiresAt <= now) throw unauthorized('This API key has expired.', 'key_expired')
  return { kind: 'key', keyId: row.id, key: row }
}

/**
 * In-process calls (a job replaying the call it was given) pass the principal they act for through the
 * app's env under this symbol; no HTTP request can carry a symbol, so it cannot be forged from outside.
 */
export const INTERNAL_PRINCIPAL: unique symbol = Symbol('manifold.internal-principal')

function internalPrincipal(env: unknown): Principal | undefined {
  if (env && typeof env === 'object' && INTERNAL_PRINCIPAL in env) return (env as { [INTERNAL_PRINCIPAL]: Principal })[INTERNAL_PRINCIPAL]
  return undefined
}

/** Every route needs a key except the ones `isPublic` names; mounted once on '*'. */
export function auth(options: AuthOptions): MiddlewareHandler<AppEnv> {
  // Not async: with the key cached, the principal is known at once and next()'s promise is handed back.
  return function auth(c, next) {
    // HEAD is GET without a body: a route public for GET is public for HEAD (load balancers probe /health so).
    const method = c.req.method === 'HEAD' ? 'GET' : c.req.method
    if (options.isPublic(method, c.req.path)) return next()
    const injected = internalPrincipal(c.env)
    if (injected) {
      setPrincipal(c, injected)
      return next()
    }
    // Anthropic's clients send the key as x-api-key.
    const token = bearerToken(c.req.header('authorization')) ?? c.req.header('x-api-key') ?? options.extractToken?.(c.req.raw)
    const principal = authenticate(options.deps, token)
    if (principal instanceof Promise) {
      return principal.then((known) => {
        setPrincipal(c, known)
        return next()
      })
    }
    setPrincipal(c, principal)
    return next()
  }
}

export function requireAdmin(): MiddlewareHandler<AppEnv> {
  return async function requireAdmin(c, next) {
    if (c.get('principal')?.kind !== 'admin') {
      throw new GatewayError(403, 'This endpoint needs the admin key.', { type: 'permission_error', code: 'admin_required' })
    }
    await next()
  }
}
