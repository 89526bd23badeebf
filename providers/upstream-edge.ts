import { redactMessagesIn, type Redactor } from '../src/security/redact.js'
import { providerErrorIn, unexpectedError } from './transport-errors.js'
import { guardUpstreamFetch, type UpstreamLimits } from './upstream-fetch.js'
import { ProviderError, type CallContext, type ChatCompletionChunk, type ChatRequest, type EmbeddingRequest, type FetchFn, type Provider } from './types.js'

export interface UpstreamEdgeOptions {
  limits: UpstreamLimits
  /** Knows every configured provider key: upstream messages are cleaned with it before they go anywhere. */
  redactor: Redactor
}

/**
 * What stands between one provider's upstream and the rest of the gateway. Every call to it goes through
 * `fetch` (no redirect followed, answers and stream events capped as they are read) and every failure
 * leaves through `clean`, so the client's body, the stream's error frame, the logs, the usage rows and the
 * jobs table only ever see redacted text. The adapters get it through `guardProvider`; the dialects'
 * native pass-through calls use it directly.
 */
export interface UpstreamEdge {
  fetch(inner: FetchFn): FetchFn
  clean(err: unknown): ProviderError
  /** An event passed on as the upstream wrote it (a pass-through stream's error), its `messages` redacted in place. */
  redactMessages(json: string, messages: readonly unknown[]): string
}

export function upstreamEdge(providerId: string, options: UpstreamEdgeOptions): UpstreamEdge {
  // One guarded fetch per underlying fetch: the SDK clients are cached per fetch and must keep seeing the same one.
  const guarded = new WeakMap<FetchFn, FetchFn>()
  return {
    fetch(inner) {
      let fetchFn = guarded.get(inner)
      if (!fetchFn) {
        fetchFn = guardUpstreamFetch(inner, providerId, options.limits)
        guarded.set(inner, fetchFn)
      }
      return fetchFn
    },
    clean(err) {
      const mapped = providerErrorIn(err) ?? unexpectedError(providerId, err)
      const message = options.redactor.redact(mapped.message)
      // The cause (the SDK's error, the raw body) is dropped: it is exactly what redaction must not let through.
      return new ProviderError({
        provider: mapped.provider, status: mapped.status, code: mapped.code, message,
        retryable: mapped.retryable, retryAfterMs: mapped.retryAfterMs, param: mapped.param,
      })
    },
    redactMessages: (json, messages) => redactMessagesIn(json, messages, options.redactor),
  }
}

/** `provider` behind its edge: every call's fetch guarded, every error it throws cleaned. */
export function guardProvider(provider: Provider, edge: UpstreamEdge): Provider {
  const guardedContext = (ctx: CallContext): CallContext => ({ ...ctx, fetch: edge.fetch(ctx.fetch) })
  const clean = (err: unknown): ProviderError => edge.clean(err)

  async function* cleanStream(source: AsyncIterable<ChatCompletionChunk>): AsyncGenerator<ChatCompletionChunk> {
    try {
      yield* source
    } catch (err) {
      throw clean(err)
    }
  }

  const guarded: Provider = {
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
    guarded.embed = async (req: EmbeddingRequest, ctx: CallContext) => {
      try {
        return await embed.call(provider, req, guardedContext(ctx))
      } catch (err) {
        throw clean(err)
      }
    }
  }
  if (listModels) {
    guarded.listModels = async (ctx: CallContext) => {
      try {
        return await listModels.call(provider, guardedContext(ctx))
      } catch (err) {
        throw clean(err)
      }
    }
  }
  if (ready) guarded.ready = () => ready.call(provider)
  return guarded
}
