import { expect } from 'vitest'
import { createGeminiProvider } from '../../providers/gemini/index.js'
import type { CallContext, ChatCompletionChunk, ChatRequest, Provider } from '../../providers/types.js'
import { fixtureText } from './fixtures.js'
import { sseFromChunkLines, sseFromRaw, startMockUpstream, type MockUpstream } from './mock-upstream.js'
import { validateSchema } from './openapi-validate.js'

/** A Gemini adapter pointed at a loopback mock, with a pinned clock and counting ids. */
export const FIXED_NOW = 1_750_000_000_000
export const FIXED_CREATED = FIXED_NOW / 1000
export const GEMINI_KEY = 'gm-test-upstream-key'

export interface GeminiHarness {
  upstream: MockUpstream
  provider: Provider
  ctx(signal?: AbortSignal): CallContext
  /** A fresh adapter whose generated ids count from 1 again (ids are `id1`, `id2`, … per adapter). */
  reset(): void
  close(): Promise<void>
}

export async function startGeminiHarness(options: { dropUnsupportedParams?: boolean } = {}): Promise<GeminiHarness> {
  const upstream = await startMockUpstream()
  const build = () => {
    let n = 0
    return createGeminiProvider({
      id: 'gemini', dropUnsupportedParams: options.dropUnsupportedParams, now: () => FIXED_NOW, randomId: () => `id${++n}`,
    })
  }
  const harness: GeminiHarness = {
    upstream,
    provider: build(),
    reset() {
      harness.provider = build()
    },
    ctx: (signal = new AbortController().signal) => ({ signal, apiKey: GEMINI_KEY, baseURL: upstream.url, fetch }),
    close: () => upstream.close(),
  }
  return harness
}

export function chatRequest(fields: Partial<ChatRequest> = {}): ChatRequest {
  return { model: 'gemini-2.0-flash', messages: [{ role: 'user', content: 'hi' }], ...fields } as ChatRequest
}

/** SSE frames of a recorded Gemini stream: raw bodies (`*.txt`) as sent, `*.chunks.txt` one event a line. */
export function geminiFrames(fixture: string): string[] {
  const text = fixtureText(`gemini/${fixture}`)
  return fixture.endsWith('.chunks.txt') ? sseFromChunkLines(text, { done: false }) : sseFromRaw(text)
}

export async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = []
  for await (const item of iterable) out.push(item)
  return out
}

type DeltaExt = ChatCompletionChunk.Choice.Delta & { reasoning_content?: string }

/** What a client would assemble from chunks, after checking each against OpenAI's schema. */
export function assemble(chunks: ChatCompletionChunk[]) {
  for (const chunk of chunks) expect(validateSchema('CreateChatCompletionStreamResponse', chunk)).toEqual([])
  let content = ''
  let reasoning = ''
  let refusal = ''
  const toolCalls: Array<{ index: number; id: string; name: string; args: unknown }> = []
  const finishReasons: string[] = []
  for (const chunk of chunks) {
    for (const choice of chunk.choices) {
      const delta = choice.delta as DeltaExt
      content += delta.content ?? ''
      reasoning += delta.reasoning_content ?? ''
      refusal += delta.refusal ?? ''
      for (const call of delta.tool_calls ?? []) {
        toolCalls.push({ index: call.index, id: call.id ?? '', name: call.function?.name ?? '', args: JSON.parse(call.function?.arguments ?? 'null') })
      }
      if (choice.finish_reason) finishReasons.push(choice.finish_reason)
    }
  }
  const last = chunks.at(-1)
  return {
    firstDelta: chunks[0]?.choices[0]?.delta,
    content, reasoning, refusal, toolCalls, finishReasons,
    usageChunk: last && last.choices.length === 0 ? last.usage : undefined,
    ids: new Set(chunks.map((c) => c.id)),
    models: new Set(chunks.map((c) => c.model)),
  }
}

/** Parses a gateway SSE body into its JSON chunks (stops at [DONE]). */
export function chunksFromSse(body: string): ChatCompletionChunk[] {
  const out: ChatCompletionChunk[] = []
  for (const frame of body.split('\n\n')) {
    const data = frame.split('\n').filter((l) => l.startsWith('data: ')).map((l) => l.slice(6)).join('\n')
    if (data === '' || data === '[DONE]') continue
    out.push(JSON.parse(data) as ChatCompletionChunk)
  }
  return out
}

export const geminiUsage = (prompt: number, completion: number, reasoning = 0, cached = 0) => ({
  prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion,
  prompt_tokens_details: { cached_tokens: cached }, completion_tokens_details: { reasoning_tokens: reasoning },
})
