import { z } from 'zod'
import type { GenerateContentResponse } from '@google/genai'
import { checkShape } from '../shape-check.js'
import { invalidResponse } from '../transport-errors.js'

const candidateShape = z.looseObject({
  content: z.looseObject({ parts: z.array(z.looseObject({})).optional() }).optional(),
  finishReason: z.string().optional(),
})

/** An answer has candidates, or says why it has none (a blocked prompt); `{}` or HTML is neither. */
const answerShape = z.union([
  z.looseObject({ candidates: z.array(candidateShape).min(1) }),
  z.looseObject({ promptFeedback: z.looseObject({ blockReason: z.string() }) }),
])

/** A stream event may carry only usage or metadata, but what it carries must have the right types. */
const eventShape = z.looseObject({
  candidates: z.array(candidateShape).optional(),
})

export function checkedAnswer(provider: string, response: GenerateContentResponse): GenerateContentResponse {
  const result = answerShape.safeParse(response)
  if (!result.success) throw invalidResponse(provider, 'no candidates and no block reason')
  return response
}

const embeddingsShape = z.looseObject({
  embeddings: z.array(z.looseObject({ values: z.array(z.number()) })).min(1),
})

export const checkedEmbeddings = <T>(provider: string, response: T) => checkShape<T>(embeddingsShape, provider, response)

export async function* checkedEvents(provider: string, source: AsyncIterable<GenerateContentResponse>): AsyncGenerator<GenerateContentResponse> {
  for await (const event of source) {
    yield checkShape<GenerateContentResponse>(eventShape, provider, event, 'stream event')
  }
}
