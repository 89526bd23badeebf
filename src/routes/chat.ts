import { Hono } from 'hono'
import type { AppEnv } from '../app-env.js'
import type { AppDeps } from '../deps.js'
import { parseChatRequest } from '../openai/chat-request.js'
import { readJsonBody } from '../openai/read-json.js'
import { dispatchChat } from '../routing/dispatch.js'
import { DROP_PARAMS_HEADER, parseDropParamsHeader } from '../routing/drop-params-header.js'
import { sseHeaders, sseStream } from '../streaming/sse.js'
import { takeStreamEnd } from '../streaming/stream-end.js'
import { rawJsonOf } from '../../providers/raw-json.js'
import { REQUEST_ID_HEADER } from '../middleware/request-id.js'
import { jsonContentType, plainDecimalJson } from '../metering/plain-decimal-json.js'

/** POST /v1/chat/completions: OpenAI's chat API in front of every provider. */
export function chatRoutes(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>()

  app.post('/v1/chat/completions', async (c) => {
    const body = parseChatRequest(await readJsonBody(c))
    const result = await dispatchChat(deps, body, {
      requestId: c.get('requestId'),
      principal: c.get('principal'),
      signal: deps.callerSignal(c),
      routeHeader: c.req.header('x-manifold-route'),
      dropUnsupportedParams: parseDropParamsHeader(c.req.header(DROP_PARAMS_HEADER)),
    })
    // One plain record handed to the Response: no Headers object built and merged per call. The request id
    // is in it because a Response returned as it is does not carry what middleware set with c.header().
    const requestId = { [REQUEST_ID_HEADER]: c.get('requestId') }
    if (result.kind === 'json') {
      const text = rawJsonOf(result.body) ?? plainDecimalJson(result.body)
      return new Response(text, { status: 200, headers: { ...result.headers, ...jsonContentType, ...requestId } })
    }
    return new Response(sseStream(result.chunks, { onEnd: takeStreamEnd(c) }), { status: 200, headers: { ...sseHeaders, ...result.headers, ...requestId } })
  })

  return app
}
