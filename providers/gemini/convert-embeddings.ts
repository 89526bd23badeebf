import type { EmbedContentParameters, EmbedContentResponse } from '@google/genai'
import { ProviderError, type CreateEmbeddingResponse, type EmbeddingRequest } from '../types.js'

/**
 * OpenAI embeddings ↔ Gemini batchEmbedContents (the SDK sends every input as one request of the batch).
 * Vectors stay floats: base64 encoding is the embeddings route's job.
 */
export function toGeminiEmbedRequest(req: EmbeddingRequest, provider: string): EmbedContentParameters {
  const input = req.input
  const texts = typeof input === 'string' ? [input] : input
  if (!Array.isArray(texts) || texts.length === 0 || !texts.every((t): t is string => typeof t === 'string')) {
    // Token arrays are OpenAI's own tokenizer ids: meaningless to Gemini.
    throw new ProviderError({ provider, status: 400, code: 'unsupported_parameter', param: 'input', retryable: false, message: `${provider} embeds text: 'input' must be a string or an array of strings` })
  }
  const params: EmbedContentParameters = { model: req.model, contents: texts }
  if (req.dimensions != null) params.config = { outputDimensionality: req.dimensions }
  return params
}

export function fromGeminiEmbedResponse(response: EmbedContentResponse, model: string): CreateEmbeddingResponse {
  // batchEmbedContents reports no token counts; zero says "not reported" rather than a guess.
  return {
    object: 'list',
    model,
    data: (response.embeddings ?? []).map((e, index) => ({ object: 'embedding', index, embedding: e.values ?? [] })),
    usage: { prompt_tokens: 0, total_tokens: 0 },
  }
}
