import type { Context, MiddlewareHandler } from 'hono'
import { GatewayError } from '../errors.js'
import { timingSafeEqual } from '../security/keys.js'
import type { UiEnv } from './ui-env.js'

export const CSRF_FIELD = '_csrf'
/** Scripts that POST JSON (rather than a form) send the token in this header. */
export const CSRF_HEADER = 'x-csrf-token'

/** The hidden field every dashboard form carries. */
export function CsrfField({ token }: { token: string }) {
  return <input type="hidden" name={CSRF_FIELD} value={token} />
}

const forbidden = (message: string, code: string) => new GatewayError(403, message, { type: 'permission_error', code })

/**
 * Refuses a POST sent from another site: a browser names the page's origin in `Origin` (and says
 * `Sec-Fetch-Site: cross-site`); the host it names must be the one the request was sent to.
 */
export function assertSameOrigin(c: Context): void {
  if (c.req.header('sec-fetch-site') === 'cross-site') throw forbidden('Cross-site form posts are refused.', 'cross_site_request')
  const origin = c.req.header('origin')
  if (origin === undefined) return
  let originHost: string
  try {
    originHost = new URL(origin).host
  } catch {
    throw forbidden('Cross-site form posts are refused.', 'cross_site_request')
  }
  const host = c.req.header('x-forwarded-host') ?? c.req.header('host') ?? new URL(c.req.url).host
  if (originHost !== host) throw forbidden('Cross-site form posts are refused.', 'cross_site_request')
}

/** The token a POST carries: the form field, or the header for JSON bodies. */
export async function presentedCsrfToken(c: Context): Promise<string | undefined> {
  const header = c.req.header(CSRF_HEADER)
  if (header) return header
  const type = c.req.header('content-type') ?? ''
  if (!/^(application\/x-www-form-urlencoded|multipart\/form-data)/i.test(type)) return undefined
  const form = await c.req.parseBody()
  const value = form[CSRF_FIELD]
  return typeof value === 'string' ? value : undefined
}

export function assertCsrfToken(presented: string | undefined, expected: string): void {
  if (presented === undefined || !timingSafeEqual(presented, expected)) {
    throw forbidden('The form is missing its security token or it has expired; reload the page and try again.', 'csrf_failed')
  }
}

/** Every POST under a session: same origin, and the session's token in `_csrf` (or the header). */
export function csrfProtection(): MiddlewareHandler<UiEnv> {
  return async function csrfProtection(c, next) {
    if (c.req.method !== 'POST') return next()
    assertSameOrigin(c)
    assertCsrfToken(await presentedCsrfToken(c), c.get('session').csrfToken)
    await next()
  }
}
