import Anthropic from '@anthropic-ai/sdk'
import type { RawMessageStreamEvent } from '@anthropic-ai/sdk/resources/messages'
import type { CallContext, ChatCompletion, ChatCompletionChunk, ChatRequest, Provider } from '../types.js'
import { primeStream } from '../first-event.js'
import { mapAnthropicError } from './anthropic-error.js'
import { convertRequest } from './convert-request.js'
import { convertMessage } from './convert-response.js'
import { convertStream } from './convert-stream.js'
import { abortedError, streamCutShort } from '../transport-errors.js'
import { checkedEvents, checkedMessage } from './anthropic-shape.js'

export interface AnthropicProviderOptions {
  /** The name models are addressed by (`anthropic` in `anthropic/claude-sonnet-4-5`). */
  id: string
  /** Models to list instead of asking the upstream. */
  models?: string[]
  /** Drop parameters Anthropic cannot honour instead of answering 400. */
  dropUnsupportedParams?: boolean
  /** The model's output limit, for requests without max_tokens (Anthropic requires one). */
  maxOutputTokens?: (model: string) => number | undefined
  /** Milliseconds since the epoch, for `created` (Anthropic sends no timestamp). */
  now?: () => number
}

const DEFAULT_BASE_URL = 'https://api.anthropic.com'

/**
 * Anthropic through the official SDK (v1, API version 2026-10-21), translated to and from OpenAI's chat
 * format. One SDK client per key and base URL, kept by this instance; the SDK's retries are off.
 */
export function createAnthropicProvider(options: AnthropicProviderOptions): Provider {
  const clients = new Map<string, Anthropic>()
  const provider = options.id
  const now = options.now ?? Date.now
  const requestOptions = {
    provider,
    dropUnsupportedParams: options.dropUnsupportedParams ?? false,
    maxOutputTokens: options.maxOutputTokens,
  }

  const optionsFor = (ctx: CallContext) => ({
    ...requestOptions, dropUnsupportedParams: ctx.dropUnsupportedParams ?? requestOptions.dropUnsupportedParams, onDropped: ctx.onDroppedParam,
  })

  function clientFor(ctx: CallContext): Anthropic {
    const baseURL = ctx.baseURL ?? DEFAULT_BASE_URL
    const cacheKey = `${baseURL}\n${ctx.apiKey}`
    let client = clients.get(cacheKey)
    if (!client) {
      // The key is always passed (even empty) so the SDK never reads one from the environment or a profile.
      client = new Anthropic({ apiKey: ctx.apiKey, baseURL, fetch: ctx.fetch, maxRetries: 0, timeout: 10 * 60_000 })
      clients.set(cacheKey, client)
    }
    return client
  }

  const mapError = (err: unknown) => mapAnthropicError(provider, err)
  const created = () => Math.floor(now() / 1000)

  return {
    id: provider,
    type: 'anthropic',
    async chat(req: ChatRequest, ctx: CallContext): Promise<ChatCompletion> {
      const { body, jsonToolName } = convertRequest(req, optionsFor(ctx))
      try {
        const message = await clientFor(ctx).messages.create({ ...body, stream: false }, { signal: ctx.signal, headers: ctx.headers })
        return convertMessage(checkedMessage(provider, message), { created: created(), jsonToolName })
      } catch (err) {
        throw mapError(err)
      }
    },
    async chatStream(req: ChatRequest, ctx: CallContext): Promise<AsyncIterable<ChatCompletionChunk>> {
      const { body, jsonToolName } = convertRequest(req, optionsFor(ctx))
      let events: AsyncIterable<RawMessageStreamEvent>
      try {
        events = await clientFor(ctx).messages.create({ ...body, stream: true }, { signal: ctx.signal, headers: ctx.headers })
      } catch (err) {
        throw mapError(err)
      }
      const truncated = () => (ctx.signal.aborted ? abortedError(provider) : streamCutShort(provider))
      return primeStream(convertStream(checkedEvents(provider, events), { created: created(), jsonToolName, truncated }), mapError)
    },
    async listModels(ctx: CallContext): Promise<string[]> {
      if (options.models) return options.models
      try {
        const page = await clientFor(ctx).models.list({ limit: 1000 }, { signal: ctx.signal, headers: ctx.headers })
        return page.data.map((m) => m.id)
      } catch (err) {
        throw mapError(err)
      }
    },
  }
}
