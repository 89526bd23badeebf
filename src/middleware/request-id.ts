import type { MiddlewareHandler } from 'hono'
import type { AppEnv } from '../app-env.js'
import { randomToken } from '../security/keys.js'

export interface RequestIdOptions {
  header?: string
  /** Milliseconds since the epoch, for the id's time prefix; default Date.now. */
  now?: () => number
}

export const REQUEST_ID_HEADER = 'x-request-id'

const WELL_FORMED = /^[A-Za-z0-9._:-]{1,128}$/

/**
 * The time in base 36, 8 characters until 2059, so ids minted later sort later: the usage table's index on
 * request ids then grows at its end instead of touching a random page per row (half the pages each usage
 * batch writes, measured).
 */
export function timePrefix(ms: number): string {
  return ms.toString(36).padStart(8, '0')
}

/**
 * Keeps a client's well-formed `x-request-id`, replaces a malformed or overlong one, and echoes it back. A
 * minted id is `req_`, the time prefix and 12 random characters (72 bits).
 */
export function requestId(options: RequestIdOptions = {}): MiddlewareHandler<AppEnv> {
  const header = options.header ?? REQUEST_ID_HEADER
  const now = options.now ?? Date.now
  // Random bytes drawn 256 ids at a time: one getRandomValues call per id cost more than the rest of this middleware.
  let pool = ''
  let offset = 0
  const freshId = () => {
    if (offset >= pool.length) {
      pool = randomToken(9 * 256)
      offset = 0
    }
    offset += 12
    return `req_${timePrefix(now())}${pool.slice(offset - 12, offset)}`
  }
  // Not async: nothing happens after next(), so its promise is handed back rather than wrapped in another.
  return function requestId(c, next) {
    const given = c.req.header(header)
    const id = given !== undefined && WELL_FORMED.test(given) ? given : freshId()
    c.set('requestId', id)
    c.header(header, id)
    return next()
  }
}
