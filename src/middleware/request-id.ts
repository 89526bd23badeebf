import type { MiddlewareHandler } from 'hono'
import type { AppEnv } from '../app-env.js'
import { randomToken } from '../security/keys.js'

export interface RequestIdOptions {
  header?: string
}

const WELL_FORMED = /^[A-Za-z0-9._:-]{1,128}$/

/** Keeps a client's well-formed `x-request-id`, replaces a malformed or overlong one, and echoes it back. */
export function requestId(options: RequestIdOptions = {}): MiddlewareHandler<AppEnv> {
  const header = options.header ?? 'x-request-id'
  return async function requestId(c, next) {
    const given = c.req.header(header)
    const id = given !== undefined && WELL_FORMED.test(given) ? given : `req_${randomToken(12)}`
    c.set('requestId', id)
    c.header(header, id)
    await next()
  }
}
