import { z } from 'zod'
import type * as components from '@mistralai/mistralai/models/components'
import { checkShape } from '../shape-check.js'
import { invalidResponse, streamCutShort } from '../transport-errors.js'

/**
 * What the translation reads of a Mistral completion, checked after the SDK's own parsing (which lets an
 * empty `{}` through with every field optional).
 */
const completionShape = z.looseObject({
  choices: z.array(z.looseObject({ index: z.number(), finishReason: z.string(), message: z.looseObject({}).optional() })).min(1),
  usage: z.looseObject({}),
})

const embeddingsShape = z.looseObject({
  data: z.array(z.looseObject({ embedding: z.array(z.number()) })),
  usage: z.looseObject({}),
})

export const checkedCompletion = (provider: string, response: components.ChatCompletionResponse) =>
  checkShape<components.ChatCompletionResponse>(completionShape, provider, response)

export const checkedEmbeddings = (provider: string, response: components.EmbeddingResponse) =>
  checkShape<components.EmbeddingResponse>(embeddingsShape, provider, response)

/** Mistral streams as OpenAI does: a stream without a finish reason was cut short. */
export async function* checkedEvents(provider: string, events: AsyncIterable<components.CompletionEvent>, signal: AbortSignal): AsyncGenerator<components.CompletionEvent> {
  let finished = false
  for await (const event of events) {
    const choices: unknown = event.data?.choices
    if (!Array.isArray(choices)) throw invalidResponse(provider, 'stream chunk: choices is not a list')
    for (const choice of event.data.choices) if (choice.finishReason !== null && choice.finishReason !== undefined) finished = true
    yield event
  }
  if (!finished && !signal.aborted) throw streamCutShort(provider)
}
