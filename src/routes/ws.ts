import { Hono, type Context } from 'hono'
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

/**
 * Completes the closing handshake the client started. workerd without the `web_socket_auto_reply_to_close`
 * flag (default from compatibility date 2026-04-07) waits for the server's own close frame and otherwise
 * cancels the upgrade request as hung; on Node the socket is already closed by now and this does nothing.
 */
function answerClose(ws: WSContext): void {
  if (ws.readyState === 3) return
  try {
    ws.close(1000)
  } catch {
    // Already closed from this side.
  }
}

/**
 * Workers' waitUntil for the upgrade request, or undefined on Node (hono's getter throws without an
 * ExecutionContext). Once the socket has closed, workerd ends the request and drops its timers, so the
 * usage buffer's timed flush would never run.
 */
function waitUntilOf(c: Context<AppEnv>): ((work: Promise<unknown>) => void) | undefined {
  try {
    const ctx = c.executionCtx
    return (work) => ctx.waitUntil(work)
  } catch {
    return undefined
  }
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
    const waitUntil = waitUntilOf(c)
    /** Ends the session; on Workers the request stays alive until its calls have ended and their usage rows are written. */
    const endSession = () => {
      const ended = session?.close()
      if (ended && waitUntil) waitUntil(ended.then(() => deps.usage.flush()))
    }
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
      onClose(_event, ws) {
        endSession()
        answerClose(ws)
      },
      onError() {
        endSession()
      },
    })
    // Workers hand the 101 back as is; Node's ws server picks the protocol itself (selectProtocol in node.ts).
    const chosen = selectProtocol(offeredProtocols(c.req.raw))
    if (chosen && response.status === 101) response.headers.set('sec-websocket-protocol', chosen)
    return response
  })

  return app
}
