import type { Context } from 'hono'
import type { ChatCompletionCreateParams } from 'openai/resources'
import type { AppEnv } from '../../app-env.js'
import type { AppDeps } from '../../deps.js'
import { invalidRequest } from '../../errors.js'
import type { CallMeta } from '../../routing/call-meta.js'
import { resolveRoute } from '../../routing/resolve.js'
import { sseHeaders } from '../../streaming/sse.js'
import { takeStreamEnd, watchEnd } from '../../streaming/stream-end.js'
import { allItems, conversationFor, itemsForOpenAI, resolveItemReferences, type Conversation } from './conversation.js'
import { dispatchNative, isNativeRoute } from './native-dispatch.js'
import type { ResponsesRequest } from './request.js'
import { saveResponse } from './response-store.js'
import { responsesSseStream } from './sse.js'
import { dispatchTranslated } from './translated.js'

/** Stores a finished Response for the key (unless the client said `store: false`); a failed write is logged, never surfaced. */
function storer(deps: AppDeps, meta: CallMeta, request: ResponsesRequest, conversation: Conversation) {
  return (response: { id: string; status?: unknown }) => {
    if (request.store === false || response.status === 'failed') return
    saveResponse(deps, meta.principal, response, allItems(conversation)).catch((err: unknown) => {
      deps.log.error('storing a response failed', { requestId: meta.requestId, error: err instanceof Error ? err.message : String(err) })
    })
  }
}

/** The body OpenAI receives natively: the client's own, with stored turns joined in when the gateway holds them. */
function nativeBody(raw: Record<string, unknown>, conversation: Conversation): Record<string, unknown> {
  if (conversation.history.length === 0) return raw
  const { previous_response_id: _continued, ...rest } = raw
  return { ...rest, input: [...itemsForOpenAI(conversation.history), ...conversation.input] }
}

/**
 * The native call as chat, for admission's token reservation only (it reads text at four characters a
 * token and the output maximum): every item and tool as text, whatever OpenAI-only types they are.
 */
function estimateBody(request: ResponsesRequest, conversation: Conversation): ChatCompletionCreateParams {
  const text = JSON.stringify([request.instructions ?? '', allItems(conversation), request.tools ?? []])
  return { model: request.model, messages: [{ role: 'user', content: text }], max_completion_tokens: request.max_output_tokens ?? null }
}

/** POST /v1/responses: native to OpenAI when the route is all OpenAI, translated through chat elsewhere. */
export async function handleCreateResponse(deps: AppDeps, c: Context<AppEnv>, raw: Record<string, unknown>, request: ResponsesRequest): Promise<Response> {
  const meta: CallMeta = {
    requestId: c.get('requestId'), principal: c.get('principal'), signal: deps.callerSignal(c),
    routeHeader: c.req.header('x-manifold-route'), surface: 'responses',
  }
  const route = resolveRoute(deps, request.model, meta.routeHeader)
  if (route.strategy === 'all') {
    throw invalidRequest('The `all` strategy returns one answer per target, and a Response holds one: use fallback, race or loadbalance with /v1/responses.', 'model', 'strategy_not_supported')
  }
  const native = isNativeRoute(route)
  const conversation = await conversationFor(deps, meta.principal, request, native)
  const store = storer(deps, meta, request, conversation)

  if (native) {
    const result = await dispatchNative(deps, { route, body: nativeBody(raw, conversation), chatBody: estimateBody(request, conversation), stream: request.stream === true, onFinal: store }, meta, request.model)
    if (result.kind === 'stream') return c.body(watchEnd(result.body, takeStreamEnd(c)), 200, { ...sseHeaders, ...result.headers })
    store(result.response)
    return c.body(result.text, 200, { 'content-type': 'application/json', ...result.headers })
  }

  const items = await resolveItemReferences(deps, meta.principal, allItems(conversation))
  const result = await dispatchTranslated(deps, request, items, meta, store)
  if (result.kind === 'json') return c.json(result.response, 200, result.headers)
  return c.body(responsesSseStream(result.events, { onEnd: takeStreamEnd(c) }), 200, { ...sseHeaders, ...result.headers })
}
