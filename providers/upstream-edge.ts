import type { Redactor } from '../src/security/redact.js'
import { providerErrorIn, unexpectedError } from './transport-errors.js'
import { guardUpstreamFetch, type UpstreamLimits } from './upstream-fetch.js'
import { ProviderError, type CallContext, type ChatCompletionChunk, type ChatRequest, type EmbeddingRequest, type FetchFn, type Provider } from './types.js'

export interface UpstreamEdgeOptions {
  limits: UpstreamLimits
  /** Knows every configured provider key: upstream messages are cleaned with it before they go anywhere. */
  redactor: Redactor
}

/**
 * The provider edge: every call of `provider` goes through the guarded fetch (no redirects, size caps), and
 * every error it throws leaves as a ProviderError whose message has been redacted, so the client's body, the
 * stream's error frame, the logs, the usage rows and the jobs table only ever see the clean text.
 */
export function guardProvider(provider: Provider, options: UpstreamEdgeOptions): Provider {
  // One guarded fetch per underlying fetch: the SDK clients are cached per fetch and must keep seeing the same one.
  const guarded = new WeakMap<FetchFn, FetchFn>()
  const guardedContext = (ctx: CallContext): CallContext => {
    let fetchFn = guarded.get(ctx.fetch)
    if (!fetchFn) {
      fetchFn = guardUpstreamFetch(ctx.fetch, provider.id, options.limits)
      guarded.set(ctx.fetch, fetchFn)
    }
    return { ...ctx, fetch: fetchFn }
  }

  const clean = (err: unknown): ProviderError => {
    const mapped = providerErrorIn(err) ?? unexpectedError(provider.id, err)
    const message = options.redactor.redact(mapped.message)
    // The cause (the SDK's error, the raw body) is dropped: it is exactly what redaction must not let through.
    return new ProviderError({
      provider: mapped.provider, status: mapped.status, code: mapped.code, message,
      retryable: mapped.retryable, retryAfterMs: mapped.retryAfterMs, param: mapped.param,
    })
  }

  async function* cleanStream(source: AsyncIterable<ChatCompletionChunk>): AsyncGenerator<ChatCompletionChunk> {
    try {
      yield* source
    } catch (err) {
      throw clean(err)
    }
  }

  const edge: Provider = {
    id: provider.id,
    type: provider.type,
    async chat(req: ChatRequest, ctx: CallContext) {
      try {
        return await provider.chat(req, guardedContext(ctx))
      } catch (err) {
        throw clean(err)
      }
    },
    async chatStream(req: ChatRequest, ctx: CallContext) {
      try {
        return cleanStream(await provider.chatStream(req, guardedContext(ctx)))
      } catch (err) {
        throw clean(err)
      }
    },
  }
  const { embed, listModels, ready } = provider
  if (embed) {
    edge.embed = async (req: EmbeddingRequest, ctx: CallContext) => {
      try {
        return await embed.call(provider, req, guardedContext(ctx))
      } catch (err) {
        throw clean(err)
      }
    }
  }
  if (listModels) {
    edge.listModels = async (ctx: CallContext) => {
      try {
        return await listModels.call(provider, guardedContext(ctx))
      } catch (err) {
        throw clean(err)
      }
    }
  }
  if (ready) edge.ready = () => ready.call(provider)
  return edge
}
