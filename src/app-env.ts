import type { Context } from 'hono'
import type { RequestObservation } from './observability/request-observation.js'
import type { ApiKeyRow } from './store/keys-repo.js'
import type { StreamEndListener } from './streaming/stream-end.js'

/** Who is calling: the admin key, or a virtual key with its row. */
export type Principal =
  | { kind: 'admin'; keyId: null; key: null }
  | { kind: 'key'; keyId: string; key: ApiKeyRow }

/** Hono's environment for this app: what middleware puts on the context, typed once. */
export interface AppEnv {
  Variables: {
    requestId: string
    principal: Principal
    /** Set by the access log: a streamed answer takes it to report its own ending (streaming/stream-end.ts). */
    takeStreamEnd: (() => StreamEndListener) | undefined
    /** Set by the access log: what the gateway learns about this request while it runs. */
    observation: RequestObservation | undefined
  }
}

/**
 * Puts the caller on the context, and on the request's observation (the access log, metrics and traces read
 * it there: an observation that reached back into the context instead kept the whole request's objects alive
 * with it, measured as a third more of each call promoted to the old generation).
 */
export function setPrincipal<E extends AppEnv>(c: Context<E>, principal: Principal): void {
  c.set('principal', principal)
  const observation = c.get('observation')
  if (observation) observation.principal = principal
}
