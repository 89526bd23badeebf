import { Mistral } from '@mistralai/mistralai'
import { HTTPClient } from '@mistralai/mistralai/lib/http.js'
import type * as components from '@mistralai/mistralai/models/components'
import { primeStream } from '../first-event.js'
import type {
  CallContext,
  ChatCompletion,
  ChatCompletionChunk,
  ChatRequest,
  CreateEmbeddingResponse,
  EmbeddingRequest,
  FetchFn,
  Provider,
} from '../types.js'
import { toMistralRequest, unsupported } from './convert-request.js'
import { fromMistralResponse } from './convert-response.js'
import { fromMistralStream } from './convert-stream.js'
import { mapMistralError } from './mistral-error.js'
import { checkedCompletion, checkedEmbeddings, checkedEvents } from './mistral-shape.js'

export interface MistralProviderOptions {
  /** The name models are addressed by (`mistral` in `mistral/mistral-small-latest`). */
  id: string
  /** Models to list when the upstream's /v1/models cannot be asked. */
  models?: string[]
  /** Drop parameters Mistral cannot honour instead of answering 400. */
  dropUnsupportedParams?: boolean
}

const DEFAULT_SERVER_URL = 'https://api.mistral.ai'

/** The SDK adds `/v1/...` itself; a base URL given with `/v1` (as OpenAI-style URLs are) is accepted too. */
export function mistralServerURL(baseURL: string | undefined): string {
  if (!baseURL) return DEFAULT_SERVER_URL
  return baseURL.replace(/\/+$/, '').replace(/\/v1$/, '')
}

const nowSeconds = () => Math.floor(Date.now() / 1000)

/**
 * Mistral through its official SDK (@mistralai/mistralai v2), retries off: the gateway's router is the one
 * retry loop. Calls go through the gateway's fetch.
 *
 * The SDK wraps each call in a `Request` whose signal only follows ours through weak references: after a
 * garbage collection a client that went away no longer aborted the upstream call (seen under load). So each
 * call gets its own client (about 5 µs) whose fetcher hands our signal to fetch directly.
 */
export function createMistralProvider(options: MistralProviderOptions): Provider {
  const provider = options.id
  const dropUnsupported = options.dropUnsupportedParams ?? false

  function clientFor(ctx: CallContext): Mistral {
    const fetcher: FetchFn = ctx.fetch
    const signal = ctx.signal
    return new Mistral({
      apiKey: ctx.apiKey,
      serverURL: mistralServerURL(ctx.baseURL),
      retryConfig: { strategy: 'none' },
      httpClient: new HTTPClient({ fetcher: (input, init) => fetcher(input, { ...init, signal }) }),
    })
  }

  const mapError = (err: unknown) => mapMistralError(provider, err)

  return {
    id: provider,
    type: 'mistral',

    async chat(req: ChatRequest, ctx: CallContext): Promise<ChatCompletion> {
      const { request, ids } = toMistralRequest(req, { provider, dropUnsupported: ctx.dropUnsupportedParams ?? dropUnsupported, onDropped: ctx.onDroppedParam })
      let response: components.ChatCompletionResponse
      try {
        response = await clientFor(ctx).chat.complete({ ...request, stream: false }, { signal: ctx.signal, headers: ctx.headers })
      } catch (err) {
        throw mapError(err)
      }
      return fromMistralResponse(provider, checkedCompletion(provider, response), ids)
    },

    async chatStream(req: ChatRequest, ctx: CallContext): Promise<AsyncIterable<ChatCompletionChunk>> {
      const { request, ids } = toMistralRequest(req, { provider, dropUnsupported: ctx.dropUnsupportedParams ?? dropUnsupported, onDropped: ctx.onDroppedParam })
      let events: AsyncIterable<components.CompletionEvent>
      try {
        events = await clientFor(ctx).chat.stream(request, { signal: ctx.signal, headers: ctx.headers })
      } catch (err) {
        throw mapError(err)
      }
      return primeStream(fromMistralStream(provider, checkedEvents(provider, events, ctx.signal), ids, nowSeconds), mapError)
    },

    async embed(req: EmbeddingRequest, ctx: CallContext): Promise<CreateEmbeddingResponse> {
      const input = req.input
      const texts = typeof input === 'string' ? input : input.every((item): item is string => typeof item === 'string') ? input : undefined
      if (texts === undefined) throw unsupported(provider, 'input', 'token arrays as embedding input; send text')
      if (req.user != null && !dropUnsupported) throw unsupported(provider, 'user')
      let response: components.EmbeddingResponse
      try {
        response = await clientFor(ctx).embeddings.create({
          model: req.model,
          inputs: texts,
          ...(req.dimensions != null ? { outputDimension: req.dimensions } : {}),
        }, { signal: ctx.signal, headers: ctx.headers })
      } catch (err) {
        throw mapError(err)
      }
      checkedEmbeddings(provider, response)
      const promptTokens = response.usage.promptTokens ?? 0
      return {
        object: 'list',
        data: response.data.map((item, i) => ({ object: 'embedding', index: item.index ?? i, embedding: item.embedding ?? [] })),
        model: response.model,
        usage: { prompt_tokens: promptTokens, total_tokens: response.usage.totalTokens ?? promptTokens },
      }
    },

    async listModels(ctx: CallContext): Promise<string[]> {
      if (options.models) return options.models
      try {
        const list = await clientFor(ctx).models.list(undefined, { signal: ctx.signal, headers: ctx.headers })
        return (list.data ?? []).flatMap((model) => ('id' in model && typeof model.id === 'string' ? [model.id] : []))
      } catch (err) {
        throw mapError(err)
      }
    },
  }
}
