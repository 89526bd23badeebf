import { GoogleGenAI } from '@google/genai'
import type { CallContext, ChatCompletion, ChatCompletionChunk, ChatRequest, CreateEmbeddingResponse, EmbeddingRequest, Provider } from '../types.js'
import { primeStream } from '../first-event.js'
import { streamCutShort } from '../transport-errors.js'
import { toGeminiRequest } from './convert-request.js'
import { convertResponse, type ResponseIdentity } from './convert-response.js'
import { convertStream } from './convert-stream.js'
import { fromGeminiEmbedResponse, toGeminiEmbedRequest } from './convert-embeddings.js'
import { mapGeminiError } from './gemini-error.js'
import { checkedAnswer, checkedEmbeddings, checkedEvents } from './gemini-shape.js'

export interface GeminiProviderOptions {
  /** The name models are addressed by (`gemini` in `gemini/gemini-2.5-flash`). */
  id: string
  /** Models to list instead of asking the upstream. */
  models?: string[]
  /** Drop request parameters Gemini cannot honour instead of answering 400. */
  dropUnsupportedParams?: boolean
  /** Clock and id source for the OpenAI ids and `created` (tests pin them). */
  now?: () => number
  randomId?: () => string
}

const DEFAULT_BASE_URL = 'https://generativelanguage.googleapis.com'
const DEFAULT_API_VERSION = 'v1beta'

/** GEMINI_BASE_URL may name the version (`…/v1beta`); the SDK wants host and version apart. */
export function splitBaseUrl(baseURL: string | undefined): { baseUrl: string; apiVersion: string } {
  const url = (baseURL ?? DEFAULT_BASE_URL).replace(/\/+$/, '')
  const match = /^(.*)\/(v\d+(?:alpha|beta)?\d*)$/.exec(url)
  return match ? { baseUrl: match[1]!, apiVersion: match[2]! } : { baseUrl: url, apiVersion: DEFAULT_API_VERSION }
}

function defaultRandomId(): string {
  return crypto.randomUUID().replace(/-/g, '').slice(0, 24)
}

/**
 * Gemini through @google/genai. One client per key and base URL, kept for the provider's life; the SDK's
 * retries stay off (no retryOptions) and its HTTP goes through the call's fetch. Models are
 * `generateContent` / `streamGenerateContent?alt=sse` under `{base}/{version}/models/`.
 */
export function createGeminiProvider(options: GeminiProviderOptions): Provider {
  const clients = new Map<string, GoogleGenAI>()
  const provider = options.id
  const dropUnsupportedParams = options.dropUnsupportedParams ?? false
  const now = options.now ?? Date.now
  const randomId = options.randomId ?? defaultRandomId

  function clientFor(ctx: CallContext): GoogleGenAI {
    const cacheKey = `${ctx.baseURL ?? ''}\n${ctx.apiKey}`
    let client = clients.get(cacheKey)
    if (!client) {
      const { baseUrl, apiVersion } = splitBaseUrl(ctx.baseURL)
      // The fetch is bound once per client: each AppDeps hands every call the same one.
      client = new GoogleGenAI({ apiKey: ctx.apiKey, apiVersion, httpOptions: { baseUrl, apiVersion, fetch: ctx.fetch } })
      clients.set(cacheKey, client)
    }
    return client
  }

  const mapError = (err: unknown) => mapGeminiError(provider, err)
  const identity = (req: ChatRequest): ResponseIdentity => ({ model: req.model, now, randomId })

  return {
    id: provider,
    type: 'gemini',
    async chat(req: ChatRequest, ctx: CallContext): Promise<ChatCompletion> {
      const params = toGeminiRequest(req, { provider, dropUnsupportedParams: ctx.dropUnsupportedParams ?? dropUnsupportedParams, onDropped: ctx.onDroppedParam })
      params.config.abortSignal = ctx.signal
      if (ctx.headers) params.config.httpOptions = { headers: ctx.headers }
      try {
        return convertResponse(checkedAnswer(provider, await clientFor(ctx).models.generateContent(params)), identity(req))
      } catch (err) {
        throw mapError(err)
      }
    },
    async chatStream(req: ChatRequest, ctx: CallContext): Promise<AsyncIterable<ChatCompletionChunk>> {
      const params = toGeminiRequest(req, { provider, dropUnsupportedParams: ctx.dropUnsupportedParams ?? dropUnsupportedParams, onDropped: ctx.onDroppedParam })
      params.config.abortSignal = ctx.signal
      if (ctx.headers) params.config.httpOptions = { headers: ctx.headers }
      let source: AsyncIterable<Awaited<ReturnType<GoogleGenAI['models']['generateContent']>>>
      try {
        source = await clientFor(ctx).models.generateContentStream(params)
      } catch (err) {
        throw mapError(err)
      }
      return primeStream(convertStream(checkedEvents(provider, source), identity(req), () => streamCutShort(provider), ctx.signal), mapError)
    },
    async embed(req: EmbeddingRequest, ctx: CallContext): Promise<CreateEmbeddingResponse> {
      const params = toGeminiEmbedRequest(req, provider)
      params.config = { ...params.config, abortSignal: ctx.signal, ...(ctx.headers ? { httpOptions: { headers: ctx.headers } } : {}) }
      try {
        return fromGeminiEmbedResponse(checkedEmbeddings(provider, await clientFor(ctx).models.embedContent(params)), req.model)
      } catch (err) {
        throw mapError(err)
      }
    },
    async listModels(ctx: CallContext): Promise<string[]> {
      if (options.models) return options.models
      try {
        const pager = await clientFor(ctx).models.list({ config: { pageSize: 1000, abortSignal: ctx.signal } })
        return pager.page
          .filter((m) => !m.supportedActions || m.supportedActions.some((a) => a === 'generateContent' || a === 'embedContent'))
          .map((m) => (m.name ?? '').replace(/^models\//, ''))
          .filter((name) => name !== '')
      } catch (err) {
        throw mapError(err)
      }
    },
  }
}
