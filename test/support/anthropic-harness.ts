import { createAnthropicProvider, type AnthropicProviderOptions } from '../../providers/anthropic/index.js'
import type { CallContext, ChatCompletionChunk, ChatRequest, Provider } from '../../providers/types.js'
import { fixtureText } from './fixtures.js'
import { sseFromChunkLines, sseFromRaw, startMockUpstream, type MockUpstream } from './mock-upstream.js'

/** A fixed clock for `created`: 2026-01-02T03:04:05Z. */
export const FIXED_NOW_MS = 1_767_323_045_000
export const FIXED_CREATED = 1_767_323_045
export const UPSTREAM_KEY = 'sk-ant-upstream-secret'

export interface AnthropicHarness {
  upstream: MockUpstream
  provider: Provider
  ctx(): CallContext
  /** The JSON body of the last request the mock received. */
  lastBody(): Record<string, unknown>
  close(): Promise<void>
}

/** The Anthropic adapter pointed at a loopback mock upstream, with a fixed clock. */
export async function startAnthropicHarness(options: Partial<AnthropicProviderOptions> = {}): Promise<AnthropicHarness> {
  const upstream = await startMockUpstream()
  const provider = createAnthropicProvider({ id: 'anthropic', now: () => FIXED_NOW_MS, ...options })
  return {
    upstream,
    provider,
    ctx: () => ({ signal: new AbortController().signal, apiKey: UPSTREAM_KEY, baseURL: upstream.url, fetch: globalThis.fetch.bind(globalThis) }),
    lastBody: () => upstream.requests.at(-1)!.body as Record<string, unknown>,
    close: () => upstream.close(),
  }
}

/** SSE frames of a recorded Anthropic stream: raw `.sse` bodies as sent, `.chunks.txt` with their event lines. */
export function anthropicFrames(fixture: string): string[] {
  const text = fixtureText(`anthropic/${fixture}`)
  return fixture.endsWith('.sse') ? sseFromRaw(text) : sseFromChunkLines(text, { eventFromType: true, done: false })
}

export async function collect(stream: AsyncIterable<ChatCompletionChunk>): Promise<ChatCompletionChunk[]> {
  const chunks: ChatCompletionChunk[] = []
  for await (const chunk of stream) chunks.push(chunk)
  return chunks
}

/** What a client assembles from a stream: text, reasoning, tool calls by index, finish reason, usage. */
export interface AssembledStream {
  content: string
  reasoning: string
  toolCalls: Array<{ id: string; name: string; arguments: string }>
  finishReason: string | null
  usage: ChatCompletionChunk['usage']
}

export function assemble(chunks: ChatCompletionChunk[]): AssembledStream {
  const out: AssembledStream = { content: '', reasoning: '', toolCalls: [], finishReason: null, usage: undefined }
  for (const chunk of chunks) {
    if (chunk.usage) out.usage = chunk.usage
    for (const choice of chunk.choices) {
      const delta = choice.delta as ChatCompletionChunk.Choice.Delta & { reasoning_content?: string }
      out.content += delta.content ?? ''
      out.reasoning += delta.reasoning_content ?? ''
      for (const call of delta.tool_calls ?? []) {
        const slot = (out.toolCalls[call.index] ??= { id: '', name: '', arguments: '' })
        if (call.id) slot.id = call.id
        if (call.function?.name) slot.name = call.function.name
        slot.arguments += call.function?.arguments ?? ''
      }
      if (choice.finish_reason) out.finishReason = choice.finish_reason
    }
  }
  return out
}

export const chatRequest = (fields: Partial<ChatRequest> = {}): ChatRequest =>
  ({ model: 'claude-sonnet-4-6', messages: [{ role: 'user', content: 'Hello' }], max_tokens: 100, ...fields }) as ChatRequest
