import type { GenerateContentResponse, Part } from '@google/genai'
import type { ChatCompletionChunk } from '../types.js'
import { blockedMessage, completionId, toolCallFromPart, type ResponseIdentity, type ToolCallWithSignature } from './convert-response.js'
import { convertUsage } from './convert-usage.js'
import { mapFinishReason } from './map-finish-reason.js'
import { PartialFunctionCall } from './partial-function-call.js'

/** The chunk delta with the reasoning extension (see MessageWithReasoning). */
type Delta = ChatCompletionChunk.Choice.Delta & { reasoning_content?: string; tool_calls?: Array<ChatCompletionChunk.Choice.Delta.ToolCall & Partial<Pick<ToolCallWithSignature, 'extra_content'>>> }

interface ChoiceState {
  roleSent: boolean
  toolCalls: number
  finishReason?: string
  pending?: PartialFunctionCall
}

/**
 * Gemini SSE events → OpenAI chunks: a first chunk with the role, text and thought deltas as they come, one
 * chunk per function call with its whole arguments (Gemini never sends argument fragments, and streamed
 * partial arguments are rebuilt first), a final chunk per choice with finish_reason, and always a usage
 * chunk (`choices: []`) last; the gateway drops it when the client did not ask for usage. A stream that
 * ends before every choice has its finishReason (and no block reason explains it) ends with `truncated()`.
 */
export async function* convertStream(
  source: AsyncIterable<GenerateContentResponse>,
  identity: ResponseIdentity,
  truncated: () => Error,
  signal?: AbortSignal,
): AsyncGenerator<ChatCompletionChunk> {
  let id = ''
  let model = identity.model
  const created = Math.floor(identity.now() / 1000)
  const choices = new Map<number, ChoiceState>()
  let usage: GenerateContentResponse['usageMetadata']
  let blockReason: string | undefined
  let started = false

  const chunk = (index: number, delta: Delta, finishReason: ChatCompletionChunk.Choice['finish_reason'] = null): ChatCompletionChunk => {
    const state = stateOf(index)
    const withRole: Delta = state.roleSent ? delta : { role: 'assistant', ...delta }
    state.roleSent = true
    return { id, object: 'chat.completion.chunk', created, model, choices: [{ index, delta: withRole, logprobs: null, finish_reason: finishReason }] }
  }
  function stateOf(index: number): ChoiceState {
    let state = choices.get(index)
    if (!state) {
      state = { roleSent: false, toolCalls: 0 }
      choices.set(index, state)
    }
    return state
  }
  const toolCallChunk = (index: number, part: Part): ChatCompletionChunk => {
    const state = stateOf(index)
    const call = toolCallFromPart(part, identity)
    return chunk(index, { tool_calls: [{ index: state.toolCalls++, ...call }] })
  }
  function* flushPending(index: number): Generator<ChatCompletionChunk> {
    const state = stateOf(index)
    const pending = state.pending
    if (!pending) return
    state.pending = undefined
    yield toolCallChunk(index, { functionCall: pending.toFunctionCall(), thoughtSignature: pending.thoughtSignature })
  }

  for await (const event of source) {
    if (!started) {
      started = true
      id = completionId(event.responseId, identity)
      model = event.modelVersion ?? identity.model
      yield chunk(0, { content: '' })
    }
    if (event.usageMetadata) usage = event.usageMetadata
    if (event.promptFeedback?.blockReason) blockReason = event.promptFeedback.blockReason
    for (const [position, candidate] of (event.candidates ?? []).entries()) {
      const index = candidate.index ?? position
      const state = stateOf(index)
      for (const part of candidate.content?.parts ?? []) {
        const call = part.functionCall
        if (call) {
          const streamed = call.willContinue === true || call.partialArgs !== undefined
          if (!streamed) {
            // A whole call, or the empty `functionCall: {}` that closes a streamed one.
            yield* flushPending(index)
            if (call.name) yield toolCallChunk(index, part)
          } else {
            if (call.name) {
              yield* flushPending(index)
              state.pending = new PartialFunctionCall(call.name, part.thoughtSignature)
            }
            for (const partial of call.partialArgs ?? []) state.pending?.add(partial)
            if (!call.willContinue) yield* flushPending(index)
          }
        } else if (typeof part.text === 'string' && part.text !== '') {
          yield chunk(index, part.thought ? { reasoning_content: part.text } : { content: part.text })
        }
      }
      if (candidate.finishReason) state.finishReason = candidate.finishReason
    }
  }

  if (signal?.aborted) return // the SDK ends an aborted stream quietly; the caller knows why
  // No finishReason where one was due (or no event at all): the stream was cut, and no reason is invented.
  const complete = started && choices.size > 0 && [...choices.values()].every((s) => s.finishReason !== undefined)
  if (!complete && !(started && blockReason)) throw truncated()
  // A blocked prompt has no candidates: the answer is a refusal saying why.
  if (blockReason && [...choices.values()].every((s) => s.toolCalls === 0 && !s.finishReason)) {
    yield chunk(0, { refusal: blockedMessage(blockReason) })
  }
  for (const index of [...choices.keys()].sort((a, b) => a - b)) {
    yield* flushPending(index)
    const state = stateOf(index)
    const finish = blockReason && !state.finishReason ? 'content_filter' : mapFinishReason(state.finishReason, state.toolCalls > 0)
    yield chunk(index, {}, finish)
  }
  yield { id, object: 'chat.completion.chunk', created, model, choices: [], usage: convertUsage(usage) }
}
