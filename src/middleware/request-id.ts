import type { MiddlewareHandler } from 'hono'
import type { AppEnv } from '../app-env.js'
import { randomToken } from '../security/keys.js'

export interface RequestIdOptions {
  header?: string
}

export const REQUEST_ID_HEADER = 'x-request-id'

const WELL_FORMED = /^[A-Za-z0-9._:-]{1,128}$/

/** Keeps a client's well-formed `x-request-id`, replaces a malformed or overlong one, and echoes it back. */
export function requestId(options: RequestIdOptions = {}): MiddlewareHandler<AppEnv> {
  const header = options.header ?? REQUEST_ID_HEADER
  // Random bytes drawn 256 ids at a time: one getRandomValues call per id cost more than the rest of this middleware.
  let pool = ''
  let offset = 0
  const freshId = () => {
    if (offset >= pool.length) {
      pool = randomToken(12 * 256)
      offset = 0
    }
    offset += 16
    return `req_${pool.slice(offset - 16, offset)}`
  }
  return async function requestId(c, next) {
    const given = c.req.header(header)
    const id = given !== undefined && WELL_FORMED.test(given) ? given : freshId()
    c.set('requestId', id)
    c.header(header, id)
    await next()
  }
}
