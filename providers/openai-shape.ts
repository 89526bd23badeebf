import { z } from 'zod'
import { checkShape } from './shape-check.js'
import { invalidResponse, streamCutShort } from './transport-errors.js'
import type { ChatCompletion, ChatCompletionChunk, CreateEmbeddingResponse } from './types.js'

/**
 * The fields of OpenAI's wire format the gateway relies on, checked where an answer enters (the openai
 * provider, so every OpenAI-compatible server too). Loose objects: anything else passes through untouched.
 */
const completionShape = z.looseObject({
  choices: z.array(z.looseObject({ message: z.looseObject({}) })).min(1),
})

const embeddingsShape = z.looseObject({
  data: z.array(z.looseObject({ embedding: z.union([z.array(z.number()), z.string()]) })),
})

export const checkedCompletion = (provider: string, body: unknown) => checkShape<ChatCompletion>(completionShape, provider, body)

export const checkedEmbeddings = (provider: string, body: unknown) => checkShape<CreateEmbeddingResponse>(embeddingsShape, provider, body)

/**
 * An OpenAI-format stream as it must be: every chunk an object with `choices`, and a finish_reason before
 * the end. The SDK stops at `[DONE]` or wherever the body ends, alike: a stream that just stops has no
 * finish_reason, and is an error rather than a quiet success. An aborted call ends quietly (the caller
 * knows why).
 */
export async function* checkedChunks(provider: string, source: AsyncIterable<ChatCompletionChunk>, signal: AbortSignal): AsyncGenerator<ChatCompletionChunk> {
  let finished = false
  for await (const chunk of source) {
    // Checked by hand, not by schema: this runs for every chunk of every stream.
    const choices: unknown = (chunk as { choices?: unknown } | null)?.choices
    if (!Array.isArray(choices)) throw invalidResponse(provider, 'stream chunk: choices is not a list')
    for (const choice of choices as unknown[]) {
      if (typeof choice !== 'object' || choice === null) throw invalidResponse(provider, 'stream chunk: a choice is not an object')
      if (typeof (choice as { finish_reason?: unknown }).finish_reason === 'string') finished = true
    }
    yield chunk
  }
  if (!finished && !signal.aborted) throw streamCutShort(provider)
}
