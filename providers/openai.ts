import OpenAI from 'openai'
import type { CallContext, ChatCompletion, ChatCompletionChunk, ChatRequest, CreateEmbeddingResponse, EmbeddingRequest, Provider } from './types.js'
import { mapOpenAIError } from './openai-error.js'
import { primeStream } from './first-event.js'
import { checkedChunks, checkedCompletion, checkedEmbeddings } from './openai-shape.js'

export interface OpenAIProviderOptions {
  /** The name models are addressed by (`openai` in `openai/gpt-4o-mini`). */
  id: string
  /** Models to list when the upstream's /models cannot be asked. */
  models?: string[]
}

const DEFAULT_BASE_URL = 'https://api.openai.com/v1'

/**
 * OpenAI through the official SDK. The request is already OpenAI's format, so it goes upstream unchanged
 * but for the model name; streams always ask for usage so every call can be metered.
 */
export function createOpenAIProvider(options: OpenAIProviderOptions): Provider {
  const clients = new Map<string, OpenAI>()

  function clientFor(ctx: CallContext): OpenAI {
    const baseURL = ctx.baseURL ?? DEFAULT_BASE_URL
    const cacheKey = `${baseURL}\n${ctx.apiKey}`
    let client = clients.get(cacheKey)
    if (!client) {
      client = new OpenAI({ apiKey: ctx.apiKey || 'unused', baseURL, fetch: ctx.fetch, maxRetries: 0, timeout: 10 * 60_000 })
      clients.set(cacheKey, client)
    }
    return client
  }

  const mapError = (err: unknown) => mapOpenAIError(options.id, err)

  return {
    id: options.id,
    type: 'openai',
    async chat(req: ChatRequest, ctx: CallContext): Promise<ChatCompletion> {
      try {
        return checkedCompletion(options.id, await clientFor(ctx).chat.completions.create({ ...req, stream: false }, { signal: ctx.signal, headers: ctx.headers }))
      } catch (err) {
        throw mapError(err)
      }
    },
    async chatStream(req: ChatRequest, ctx: CallContext): Promise<AsyncIterable<ChatCompletionChunk>> {
      let stream: AsyncIterable<ChatCompletionChunk>
      try {
        stream = await clientFor(ctx).chat.completions.create(
          { ...req, stream: true, stream_options: { ...req.stream_options, include_usage: true } },
          { signal: ctx.signal, headers: ctx.headers },
        )
      } catch (err) {
        throw mapError(err)
      }
      return primeStream(checkedChunks(options.id, stream, ctx.signal), mapError)
    },
    async embed(req: EmbeddingRequest, ctx: CallContext): Promise<CreateEmbeddingResponse> {
      try {
        return checkedEmbeddings(options.id, await clientFor(ctx).embeddings.create(req, { signal: ctx.signal, headers: ctx.headers }))
      } catch (err) {
        throw mapError(err)
      }
    },
    async listModels(ctx: CallContext): Promise<string[]> {
      if (options.models) return options.models
      try {
        const page = await clientFor(ctx).models.list({ signal: ctx.signal, headers: ctx.headers })
        return page.data.map((m) => m.id)
      } catch (err) {
        throw mapError(err)
      }
    },
  }
}
