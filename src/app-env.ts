import type { ApiKeyRow } from './store/keys-repo.js'

/** Who is calling: the admin key, or a virtual key with its row. */
export type Principal =
  | { kind: 'admin'; keyId: null; key: null }
  | { kind: 'key'; keyId: string; key: ApiKeyRow }

/** Hono's environment for this app: what middleware puts on the context, typed once. */
export interface AppEnv {
  Variables: {
    requestId: string
    principal: Principal
  }
}
