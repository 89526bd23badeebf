import type { Context } from 'hono'
import { deleteCookie, getCookie, setCookie } from 'hono/cookie'
import { SESSION_TTL_MS } from './session-store.js'

export const SESSION_COOKIE = 'manifold_session'
/** Before sign-in there is no session: the sign-in form's token is double-submitted through this cookie. */
export const SIGN_IN_COOKIE = 'manifold_sign_in'
const SIGN_IN_TTL_S = 60 * 60

/** https as the browser sees it: the URL itself, or a TLS-terminating proxy that says so. */
function isHttps(c: Context): boolean {
  return new URL(c.req.url).protocol === 'https:' || c.req.header('x-forwarded-proto') === 'https'
}

const attributes = (c: Context, maxAgeSeconds: number) =>
  ({ httpOnly: true, sameSite: 'Strict', path: '/', secure: isHttps(c), maxAge: maxAgeSeconds }) as const

export function readSessionCookie(c: Context): string | undefined {
  return getCookie(c, SESSION_COOKIE)
}

export function writeSessionCookie(c: Context, id: string): void {
  setCookie(c, SESSION_COOKIE, id, attributes(c, SESSION_TTL_MS / 1000))
}

export function clearSessionCookie(c: Context): void {
  deleteCookie(c, SESSION_COOKIE, attributes(c, 0))
}

export function readSignInToken(c: Context): string | undefined {
  return getCookie(c, SIGN_IN_COOKIE)
}

export function writeSignInToken(c: Context, token: string): void {
  setCookie(c, SIGN_IN_COOKIE, token, attributes(c, SIGN_IN_TTL_S))
}

export function clearSignInToken(c: Context): void {
  deleteCookie(c, SIGN_IN_COOKIE, attributes(c, 0))
}
