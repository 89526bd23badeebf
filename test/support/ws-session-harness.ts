import type { Principal } from '../../src/app-env.js'
import { WsSession } from '../../src/routes/ws-session.js'
import type { KeyFields } from '../../src/security/key-service.js'
import { hashKey } from '../../src/security/keys.js'
import { findKeyByHash } from '../../src/store/keys-repo.js'
import type { TestGateway } from './gateway.js'

export interface SessionUnderTest {
  ws: WsSession
  /** Every frame the session sent, parsed. */
  frames: Array<Record<string, unknown>>
}

/** A WebSocket session of a new virtual key, calling the test gateway's app in process (no socket). */
export async function wsSessionFor(gw: TestGateway, fields: Partial<KeyFields> = {}): Promise<SessionUnderTest> {
  const secret = await gw.createKey(fields)
  const row = (await findKeyByHash(gw.deps.store.db, await hashKey(secret)))!
  const principal: Principal = { kind: 'key', keyId: row.id, key: row }
  const frames: Array<Record<string, unknown>> = []
  const ws = new WsSession({ deps: gw.deps, call: (request, env) => gw.app.fetch(request, env), principal, send: (text) => frames.push(JSON.parse(text) as Record<string, unknown>) })
  return { ws, frames }
}
