import { normaliseChunks, normaliseCompletion, type NormaliseContext } from './compatible-normalise.js'
import { createOpenAIProvider } from './openai.js'
import type { CallContext, ChatCompletion, ChatCompletionChunk, ChatRequest, Provider } from './types.js'

export interface OpenAICompatibleProviderOptions {
  /** The configured name (`groq`, `ollama`, …): models are addressed as `NAME/model`. */
  id: string
  models?: string[]
}

function normaliseContext(req: ChatRequest): NormaliseContext {
  return {
    model: req.model,
    nowSeconds: () => Math.floor(Date.now() / 1000),
    newId: () => `chatcmpl-${crypto.randomUUID().replace(/-/g, '')}`,
  }
}

/**
 * Any server that speaks OpenAI's chat API (Ollama, vLLM, Groq, Together, DeepSeek, xAI, OpenRouter,
 * Fireworks): the OpenAI adapter does the calls, and each answer is normalised to valid OpenAI on its way
 * back (see compatible-normalise.ts for the quirks).
 */
export function createOpenAICompatibleProvider(options: OpenAICompatibleProviderOptions): Provider {
  const openai = createOpenAIProvider({ id: options.id, models: options.models })
  return {
    ...openai,
    type: 'openai-compatible',
    async chat(req: ChatRequest, ctx: CallContext): Promise<ChatCompletion> {
      return normaliseCompletion(await openai.chat(req, ctx), normaliseContext(req))
    },
    async chatStream(req: ChatRequest, ctx: CallContext): Promise<AsyncIterable<ChatCompletionChunk>> {
      return normaliseChunks(await openai.chatStream(req, ctx), normaliseContext(req))
    },
  }
}
