import type { CallContext, ChatRequest, EmbeddingRequest, Provider } from './types.js'

export interface LazyProviderOptions {
  id: string
  type: string
  /** Whether the provider can embed: known before its module is loaded, so routes can answer at once. */
  embeds: boolean
  load: () => Promise<Provider>
}

/**
 * A provider whose module (and SDK) is imported on its first call. An SDK costs memory and start-up time
 * (Mistral's alone is about 45 MB), so a gateway pays only for the providers it actually uses.
 */
export function lazyProvider(options: LazyProviderOptions): Provider {
  let loading: Promise<Provider> | undefined
  const loaded = () => (loading ??= options.load().catch((err: unknown) => {
    loading = undefined
    throw err
  }))
  const provider: Provider = {
    id: options.id,
    type: options.type,
    chat: async (req: ChatRequest, ctx: CallContext) => (await loaded()).chat(req, ctx),
    chatStream: async (req: ChatRequest, ctx: CallContext) => (await loaded()).chatStream(req, ctx),
    ready: async () => {
      await loaded()
    },
    listModels: async (ctx: CallContext) => {
      const inner = await loaded()
      return inner.listModels ? inner.listModels(ctx) : []
    },
  }
  if (options.embeds) {
    provider.embed = async (req: EmbeddingRequest, ctx: CallContext) => {
      const inner = await loaded()
      if (!inner.embed) throw new Error(`provider ${options.id} cannot embed`)
      return inner.embed(req, ctx)
    }
  }
  return provider
}
