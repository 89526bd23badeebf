import { z } from 'zod'
import { checkShape } from './shape-check.js'
import { invalidResponse } from './transport-errors.js'
import type { ChatCompletion, CreateEmbeddingResponse } from './types.js'

/**
 * The fields of OpenAI's wire format the gateway relies on, checked where an answer enters (the openai
 * provider, so every OpenAI-compatible server too). Loose objects: anything else passes through untouched.
 */
const embeddingsShape = z.looseObject({
  data: z.array(z.looseObject({ embedding: z.union([z.array(z.number()), z.string()]) })),
})

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value)

/** A completion with at least one choice, each carrying a message object: checked by hand, it runs on every call. */
export function checkedCompletion(provider: string, body: unknown): ChatCompletion {
  if (!isObject(body)) throw invalidResponse(provider, 'the body: not a JSON object')
  const { choices } = body
  if (!Array.isArray(choices) || choices.length === 0) throw invalidResponse(provider, 'the body: choices is not a list of at least one choice')
  for (const choice of choices as unknown[]) {
    if (!isObject(choice) || !isObject(choice.message)) throw invalidResponse(provider, 'the body: a choice has no message object')
  }
  return body as unknown as ChatCompletion
}

export const checkedEmbeddings = (provider: string, body: unknown) => checkShape<CreateEmbeddingResponse>(embeddingsShape, provider, body)
