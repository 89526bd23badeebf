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
  }
}
