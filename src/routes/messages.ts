import { Hono, type Context } from 'hono'
import type { ChatCompletionCreateParams } from 'openai/resources'
import type { AppEnv } from '../app-env.js'
import type { AppDeps } from '../deps.js'
import { invalidRequest } from '../errors.js'
import { readJsonBody } from '../openai/read-json.js'
import { assertModelAllowed } from '../routing/admission.js'
import type { CallMeta } from '../routing/call-meta.js'
import { dispatchChat } from '../routing/dispatch.js'
import { resolveRoute } from '../routing/resolve.js'
import { sseHeaders } from '../streaming/sse.js'
import { takeStreamEnd } from '../streaming/stream-end.js'
import { countTokens } from '../dialects/anthropic-messages/count-tokens.js'
import { toMessagesResponse } from '../dialects/anthropic-messages/from-chat.js'
import type { NativeHeaders } from '../dialects/anthropic-messages/native-attempt.js'
import { dispatchNative, isNativeRoute } from '../dialects/anthropic-messages/native-dispatch.js'
import { routeOutputLimit, routeReasons } from '../dialects/anthropic-messages/route-capabilities.js'
import { countTokensRequestSchema, messagesRequestSchema, parseWith, type MessagesRequest } from '../dialects/anthropic-messages/request.js'
import { messagesSseStream } from '../dialects/anthropic-messages/sse.js'
import { toChatRequest } from '../dialects/anthropic-messages/to-chat.js'
import { toMessagesEvents } from '../dialects/anthropic-messages/to-events.js'

/** The API version sent upstream when the client names none (Claude Code sends this one). */
const DEFAULT_ANTHROPIC_VERSION = '2023-06-01'

function nativeHeaders(c: Context<AppEnv>): NativeHeaders {
  const beta = c.req.header('anthropic-beta')
  return { version: c.req.header('anthropic-version') ?? DEFAULT_ANTHROPIC_VERSION, ...(beta && { beta }) }
}

function callMeta(deps: AppDeps, c: Context<AppEnv>): CallMeta {
  return {
    requestId: c.get('requestId'), principal: c.get('principal'), signal: deps.callerSignal(c),
    routeHeader: c.req.header('x-manifold-route'), surface: 'messages',
  }
}

/** Only the text the rate limiter counts, for admitting a native call whose body is never translated. */
function admissionBody(request: MessagesRequest): ChatCompletionCreateParams {
  const messages = [{ role: 'system', content: request.system ?? '' }, ...request.messages]
  return { model: request.model, messages, tools: request.tools, max_completion_tokens: request.max_tokens } as unknown as ChatCompletionCreateParams
}

const toObject = (body: unknown) => body as Record<string, unknown>

/**
 * POST /v1/messages: Anthropic's Messages API in front of every route. Routes whose targets are all
 * Anthropic get the body as sent (native); the others get it translated to chat and back, through the same
 * dispatch, admission and metering as /v1/chat/completions. Errors answer in Anthropic's shape
 * (src/middleware/errors.ts picks it by path).
 */
export function messagesRoutes(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>()

  // Clients probe their base URL (Claude Code sends HEAD): GET and HEAD / answer without a key and say
  // nothing about the deployment; GET and HEAD /v1/messages answer for a valid key.
  app.get('/', (c) => c.json({ service: 'manifold' }))
  app.get('/v1/messages', (c) => c.json({ type: 'messages', methods: ['POST'] }))

  app.post('/v1/messages', async (c) => {
    const raw = await readJsonBody(c)
    const request = parseWith(messagesRequestSchema, raw)
    const meta = callMeta(deps, c)
    const route = resolveRoute(deps, request.model, meta.routeHeader)
    if (route.strategy === 'all') {
      throw invalidRequest(`The route "${route.name}" uses the "all" strategy, which answers with several choices; Anthropic's Messages API has one answer per call. Use fallback, race or loadbalance.`, 'model', 'unsupported_strategy')
    }
    if (isNativeRoute(route)) {
      const result = await dispatchNative(deps, route, toObject(raw), admissionBody(request), meta, nativeHeaders(c))
      if (result.kind === 'json') return c.json(result.body as object, 200, result.headers)
      return c.body(messagesSseStream(result.frames, { onEnd: takeStreamEnd(c) }), 200, { ...sseHeaders, ...result.headers })
    }
    const chatBody = toChatRequest(request, { maxOutputTokens: routeOutputLimit(deps, route), reasoning: routeReasons(route) })
    const result = await dispatchChat(deps, chatBody, meta)
    if (result.kind === 'json') return c.json(toMessagesResponse(result.body, request.model), 200, result.headers)
    return c.body(messagesSseStream(toMessagesEvents(result.chunks, request.model), { onEnd: takeStreamEnd(c) }), 200, { ...sseHeaders, ...result.headers })
  })

  app.post('/v1/messages/count_tokens', async (c) => {
    const raw = await readJsonBody(c)
    const request = parseWith(countTokensRequestSchema, raw)
    const route = resolveRoute(deps, request.model, c.req.header('x-manifold-route'))
    // Counting is free and not metered, but it still reaches the upstream: only for models the key may use.
    assertModelAllowed(c.get('principal'), request.model, route)
    const counted = await countTokens(deps, route.targets[0]!, toObject(raw), request, nativeHeaders(c), c.req.raw.signal)
    return c.json(counted.body, 200, { 'x-manifold-token-count': counted.method })
  })

  return app
}
