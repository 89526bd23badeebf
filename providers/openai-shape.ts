import { z } from 'zod'
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

/** What was wrong, for the error message: the first issue's path, never the body itself. */
export function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0]
  if (!issue) return 'unexpected shape'
  return issue.path.length ? `${issue.path.join('.')}: ${issue.message}` : issue.message
}

export function checkedCompletion(provider: string, body: unknown): ChatCompletion {
  const result = completionShape.safeParse(body)
  if (!result.success) throw invalidResponse(provider, typeof body === 'object' && body !== null ? firstIssue(result.error) : 'the body is not a JSON object')
  return body as ChatCompletion
}

export function checkedEmbeddings(provider: string, body: unknown): CreateEmbeddingResponse {
  const result = embeddingsShape.safeParse(body)
  if (!result.success) throw invalidResponse(provider, typeof body === 'object' && body !== null ? firstIssue(result.error) : 'the body is not a JSON object')
  return body as CreateEmbeddingResponse
}

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
