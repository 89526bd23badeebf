import type { CompletionUsage } from 'openai/resources'
import type { ChatCompletion, ChatCompletionChunk } from './types.js'

/**
 * Makes what OpenAI-compatible servers send valid OpenAI, touching only what is off: a response that is
 * already valid OpenAI passes unchanged. The servers' bodies are untyped JSON here (the openai SDK hands them
 * on as it parsed them), hence the loose records.
 */

type Json = Record<string, unknown>

const serviceTiers = new Set(['auto', 'default', 'flex', 'scale', 'priority', 'fast'])

function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function num(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined
}

/**
 * Usage in OpenAI's terms: Groq's `x_groq.usage`, DeepSeek's `prompt_cache_hit_tokens` as cached tokens, and
 * xAI's completion count that leaves reasoning out (OpenAI's includes it, and the price table bills it as
 * output). Vendor extras (queue times, costs in ticks) are left out.
 */
export function normaliseUsage(raw: unknown): CompletionUsage | undefined {
  if (!isRecord(raw)) return undefined
  const prompt = num(raw.prompt_tokens) ?? num(raw.input_tokens) ?? 0
  let completion = num(raw.completion_tokens) ?? num(raw.output_tokens) ?? 0
  const total = num(raw.total_tokens)
  const promptDetails = isRecord(raw.prompt_tokens_details) ? { ...raw.prompt_tokens_details } : undefined
  const completionDetails = isRecord(raw.completion_tokens_details) ? { ...raw.completion_tokens_details } : undefined
  const reasoning = num(completionDetails?.reasoning_tokens) ?? 0
  if (reasoning > 0 && total !== undefined && total === prompt + completion + reasoning) completion += reasoning

  const usage: CompletionUsage = { prompt_tokens: prompt, completion_tokens: completion, total_tokens: total ?? prompt + completion }
  const cacheHits = num(raw.prompt_cache_hit_tokens)
  if (promptDetails) usage.prompt_tokens_details = promptDetails as CompletionUsage['prompt_tokens_details']
  else if (cacheHits !== undefined) usage.prompt_tokens_details = { cached_tokens: cacheHits }
  if (completionDetails) usage.completion_tokens_details = completionDetails as CompletionUsage['completion_tokens_details']
  return usage
}

function usageOf(body: Json): unknown {
  if (body.usage !== undefined && body.usage !== null) return body.usage
  const groq = body.x_groq
  return isRecord(groq) ? groq.usage : undefined
}

/** `reasoning` (OpenRouter, Ollama, vLLM) is `reasoning_content` for clients, as DeepSeek named it. */
function renameReasoning(target: Json): void {
  if (typeof target.reasoning === 'string' && target.reasoning_content === undefined) {
    target.reasoning_content = target.reasoning
    delete target.reasoning
  }
}

function dropUnknownServiceTier(body: Json): void {
  if (typeof body.service_tier === 'string' && !serviceTiers.has(body.service_tier)) delete body.service_tier
}

export interface NormaliseContext {
  /** The model the request named, for servers that leave `model` out. */
  model: string
  nowSeconds: () => number
  newId: () => string
}

function messageToolCalls(calls: unknown): unknown {
  if (!Array.isArray(calls)) return calls
  return calls.map((call: unknown) => {
    if (!isRecord(call)) return call
    // `index` belongs to stream deltas (DeepSeek sends it here too); messages carry id, type, function.
    const { index: _index, ...rest } = call
    const fn = isRecord(rest.function) ? { ...rest.function } : rest.function
    if (isRecord(fn) && typeof fn.arguments !== 'string') fn.arguments = JSON.stringify(fn.arguments ?? {})
    return { ...rest, type: typeof rest.type === 'string' ? rest.type : 'function', function: fn }
  })
}

/** A whole completion from a compatible server, as valid OpenAI. */
export function normaliseCompletion(completion: ChatCompletion, ctx: NormaliseContext): ChatCompletion {
  const body: Json = { ...(completion as unknown as Json) }
  if (typeof body.id !== 'string' || body.id === '') body.id = ctx.newId()
  body.object = 'chat.completion'
  if (num(body.created) === undefined) body.created = ctx.nowSeconds()
  if (typeof body.model !== 'string' || body.model === '') body.model = ctx.model
  dropUnknownServiceTier(body)
  const choices = Array.isArray(body.choices) ? body.choices : []
  body.choices = choices.map((raw: unknown, position: number) => {
    const choice: Json = isRecord(raw) ? { ...raw } : {}
    if (num(choice.index) === undefined) choice.index = position
    const message: Json = isRecord(choice.message) ? { ...choice.message } : {}
    if (typeof message.role !== 'string') message.role = 'assistant'
    if (message.content === undefined) message.content = null
    if (message.refusal === undefined) message.refusal = null
    renameReasoning(message)
    if (message.tool_calls !== undefined) message.tool_calls = messageToolCalls(message.tool_calls)
    choice.message = message
    if (choice.logprobs === undefined) choice.logprobs = null
    if (typeof choice.finish_reason !== 'string') choice.finish_reason = Array.isArray(message.tool_calls) && message.tool_calls.length ? 'tool_calls' : 'stop'
    return choice
  })
  const usage = normaliseUsage(usageOf(body))
  if (usage) body.usage = usage
  return body as unknown as ChatCompletion
}

/** Where each streamed tool call of one choice went: servers that omit `index` get one by id and order. */
interface ToolCallIndexes {
  byId: Map<string, number>
  next: number
  last: number
}

function indexToolCalls(calls: unknown[], state: ToolCallIndexes): unknown[] {
  return calls.map((raw: unknown) => {
    if (!isRecord(raw)) return raw
    const call: Json = { ...raw }
    const id = typeof call.id === 'string' && call.id !== '' ? call.id : undefined
    let index = num(call.index)
    if (index === undefined) index = id === undefined ? Math.max(state.last, 0) : state.byId.get(id) ?? state.next
    call.index = index
    if (id !== undefined) {
      state.byId.set(id, index)
      if (typeof call.type !== 'string') call.type = 'function'
    }
    const fn = call.function
    if (isRecord(fn) && fn.arguments !== undefined && typeof fn.arguments !== 'string') call.function = { ...fn, arguments: JSON.stringify(fn.arguments) }
    state.last = index
    state.next = Math.max(state.next, index + 1)
    return call
  })
}

/**
 * True when normalising `chunk` would change nothing: the fields OpenAI always sends are there, no vendor
 * usage or renamed reasoning, no tool calls (their indexes are tracked across chunks), no usage to move.
 */
function isValidOpenAIChunk(chunk: Json): boolean {
  if (typeof chunk.id !== 'string' || chunk.id === '' || chunk.object !== 'chat.completion.chunk') return false
  if (num(chunk.created) === undefined || typeof chunk.model !== 'string' || chunk.model === '') return false
  if (typeof chunk.service_tier === 'string' && !serviceTiers.has(chunk.service_tier)) return false
  if ((chunk.usage !== undefined && chunk.usage !== null) || chunk.x_groq !== undefined) return false
  if (!Array.isArray(chunk.choices)) return false
  for (const choice of chunk.choices as unknown[]) {
    if (!isRecord(choice) || num(choice.index) === undefined || choice.finish_reason === undefined) return false
    const delta = choice.delta
    if (!isRecord(delta) || delta.tool_calls !== undefined) return false
    if (typeof delta.reasoning === 'string' && delta.reasoning_content === undefined) return false
  }
  return true
}

/**
 * A compatible server's stream as valid OpenAI chunks: ids, `object` and `created` filled, tool calls
 * indexed and typed, `reasoning` renamed, finish_reason present on every choice, and usage (wherever the
 * server put it: on the last content chunk, or in `x_groq`) moved to its own chunk with no choices, as
 * OpenAI sends it.
 */
export async function* normaliseChunks(source: AsyncIterable<ChatCompletionChunk>, ctx: NormaliseContext): AsyncGenerator<ChatCompletionChunk> {
  let id: string | undefined
  let created: number | undefined
  const toolCalls = new Map<number, ToolCallIndexes>()

  for await (const original of source) {
    if (isValidOpenAIChunk(original as unknown as Json)) {
      id ??= original.id
      created ??= original.created
      // Nothing to rewrite: the same object goes on, and with it the upstream's own text (raw-json.ts).
      yield original
      continue
    }
    const chunk: Json = { ...(original as unknown as Json) }
    id ??= typeof chunk.id === 'string' && chunk.id !== '' ? chunk.id : ctx.newId()
    created ??= num(chunk.created) ?? ctx.nowSeconds()
    if (typeof chunk.id !== 'string' || chunk.id === '') chunk.id = id
    chunk.object = 'chat.completion.chunk'
    if (num(chunk.created) === undefined) chunk.created = created
    if (typeof chunk.model !== 'string' || chunk.model === '') chunk.model = ctx.model
    dropUnknownServiceTier(chunk)

    const choices = Array.isArray(chunk.choices) ? chunk.choices : []
    chunk.choices = choices.map((raw: unknown, position: number) => {
      const choice: Json = isRecord(raw) ? { ...raw } : {}
      const index = num(choice.index) ?? position
      choice.index = index
      const delta: Json = isRecord(choice.delta) ? { ...choice.delta } : {}
      renameReasoning(delta)
      if (Array.isArray(delta.tool_calls)) {
        let state = toolCalls.get(index)
        if (!state) {
          state = { byId: new Map(), next: 0, last: -1 }
          toolCalls.set(index, state)
        }
        delta.tool_calls = indexToolCalls(delta.tool_calls, state)
      }
      choice.delta = delta
      if (choice.finish_reason === undefined) choice.finish_reason = null
      return choice
    })

    const usage = normaliseUsage(usageOf(chunk))
    if (usage && (chunk.choices as unknown[]).length > 0) {
      delete chunk.usage
      yield chunk as unknown as ChatCompletionChunk
      const usageChunk: Json = { id: chunk.id, object: chunk.object, created: chunk.created, model: chunk.model }
      if (chunk.system_fingerprint !== undefined) usageChunk.system_fingerprint = chunk.system_fingerprint
      usageChunk.choices = []
      usageChunk.usage = usage
      yield usageChunk as unknown as ChatCompletionChunk
      continue
    }
    if (usage) chunk.usage = usage
    yield chunk as unknown as ChatCompletionChunk
  }
}
