import type OpenAI from 'openai'
import type { CallContext, ChatCompletion, ChatCompletionChunk, ChatRequest, CreateEmbeddingResponse, EmbeddingRequest, Provider } from './types.js'
import { checkedCompletion, checkedEmbeddings } from './openai-shape.js'
import { DEFAULT_OPENAI_BASE_URL, postJson, readJsonAnswer } from './openai-http.js'
import { readChunkStream } from './openai-sse.js'

export interface OpenAIProviderOptions {
  /** The name models are addressed by (`openai` in `openai/gpt-4o-mini`). */
  id: string
  /** Models to list when the upstream's /models cannot be asked. */
  models?: string[]
}

/**
 * OpenAI, and every server that speaks its format. The request is already OpenAI's format, so it goes
 * upstream unchanged but for the model name; streams always ask for usage so every call can be metered.
 * Chat calls go through the lean client (openai-http.ts, openai-sse.ts): the benchmark showed the SDK's
 * per-call machinery costing more than the rest of the gateway. Embeddings and model lists keep the SDK,
 * imported on their first call: a gateway that only chats never loads it (≈ 5 MB of RSS).
 */
export function createOpenAIProvider(options: OpenAIProviderOptions): Provider {
  const clients = new Map<string, OpenAI>()

  async function clientFor(ctx: CallContext): Promise<OpenAI> {
    const baseURL = ctx.baseURL ?? DEFAULT_OPENAI_BASE_URL
    const cacheKey = `${baseURL}\n${ctx.apiKey}`
    let client = clients.get(cacheKey)
    if (!client) {
      const { default: OpenAISdk } = await import('openai')
      client = new OpenAISdk({ apiKey: ctx.apiKey || 'unused', baseURL, fetch: ctx.fetch, maxRetries: 0, timeout: 10 * 60_000 })
      clients.set(cacheKey, client)
    }
    return client
  }

  const mapError = async (err: unknown) => (await import('./openai-error.js')).mapOpenAIError(options.id, err)

  return {
    id: options.id,
    type: 'openai',
    async chat(req: ChatRequest, ctx: CallContext): Promise<ChatCompletion> {
      const response = await postJson(options.id, '/chat/completions', JSON.stringify({ ...req, stream: false }), ctx)
      return checkedCompletion(options.id, await readJsonAnswer(options.id, response, ctx.signal))
    },
    async chatStream(req: ChatRequest, ctx: CallContext): Promise<AsyncIterable<ChatCompletionChunk>> {
      const body = JSON.stringify({ ...req, stream: true, stream_options: { ...req.stream_options, include_usage: true } })
      return readChunkStream(options.id, await postJson(options.id, '/chat/completions', body, ctx), ctx.signal)
    },
    async embed(req: EmbeddingRequest, ctx: CallContext): Promise<CreateEmbeddingResponse> {
      try {
        const client = await clientFor(ctx)
        return checkedEmbeddings(options.id, await client.embeddings.create(req, { signal: ctx.signal, headers: ctx.headers }))
      } catch (err) {
        throw await mapError(err)
      }
    },
    async listModels(ctx: CallContext): Promise<string[]> {
      if (options.models) return options.models
      try {
        const client = await clientFor(ctx)
        const page = await client.models.list({ signal: ctx.signal, headers: ctx.headers })
        return page.data.map((m) => m.id)
      } catch (err) {
        throw await mapError(err)
      }
    },
  }
}
