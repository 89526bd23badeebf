import { Hono } from 'hono'
import type { WSContext } from 'hono/ws'
import type { AppEnv } from '../app-env.js'
import type { AppDeps } from '../deps.js'
import { GatewayError } from '../errors.js'
import type { AppCall } from '../jobs/run-job.js'
import { WsSession } from './ws-session.js'

/** The subprotocol the server selects; browsers require one to be selected when they offer any. */
export const WS_PROTOCOL = 'manifold'
const TOKEN_PROTOCOL_PREFIX = 'bearer.'

function offeredProtocols(req: Request): string[] {
  return (req.headers.get('sec-websocket-protocol') ?? '').split(',').map((p) => p.trim()).filter(Boolean)
}

/**
 * Browsers cannot set headers on a WebSocket, so the key may ride in the subprotocol list:
 * `new WebSocket(url, ['manifold', 'bearer.' + key])`. Only upgrade requests may authenticate this way.
 */
export function webSocketProtocolToken(req: Request): string | undefined {
  if (req.headers.get('upgrade')?.toLowerCase() !== 'websocket') return undefined
  const offered = offeredProtocols(req).find((p) => p.startsWith(TOKEN_PROTOCOL_PREFIX))
  return offered?.slice(TOKEN_PROTOCOL_PREFIX.length) || undefined
}

/** Which offered subprotocol to answer with: `manifold` if offered; never the token. */
export function selectProtocol(offered: Iterable<string>): string | false {
  for (const p of offered) if (p === WS_PROTOCOL) return p
  return false
}

/** GET /v1/ws: the WebSocket endpoint; the upgrade passed the auth middleware like any request. */
export function wsRoutes(deps: AppDeps, call: AppCall): Hono<AppEnv> {
  const app = new Hono<AppEnv>()

  app.get('/v1/ws', async (c) => {
    if (c.req.header('upgrade')?.toLowerCase() !== 'websocket') {
      throw new GatewayError(426, 'This endpoint speaks WebSocket: send an upgrade request.', { type: 'invalid_request_error', code: 'upgrade_required', headers: { upgrade: 'websocket' } })
    }
    if (!deps.upgradeWebSocket) {
      throw new GatewayError(501, 'WebSockets are not available in this runtime.', { type: 'server_error', code: 'websocket_unavailable' })
    }
    let session: WsSession | undefined
    // Workers' adapter never calls onOpen, so the session starts with whichever event comes first.
    const sessionFor = (ws: WSContext) =>
      (session ??= new WsSession({ deps, call, principal: c.get('principal'), send: (text) => ws.send(text) }))
    const response = await deps.upgradeWebSocket(c, {
      onOpen(_event, ws) {
        sessionFor(ws)
      },
      onMessage(event, ws) {
        sessionFor(ws).receive(event.data)
      },
      onClose() {
        session?.close()
      },
      onError() {
        session?.close()
      },
    })
    // Workers hand the 101 back as is; Node's ws server picks the protocol itself (selectProtocol in node.ts).
    const chosen = selectProtocol(offeredProtocols(c.req.raw))
    if (chosen && response.status === 101) response.headers.set('sec-websocket-protocol', chosen)
    return response
  })

  return app
}
