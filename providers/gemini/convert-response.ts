import type { Candidate, GenerateContentResponse, Part } from '@google/genai'
import type { ChatCompletionMessageFunctionToolCall } from 'openai/resources'
import type { ChatCompletion } from '../types.js'
import { convertUsage } from './convert-usage.js'
import { mapFinishReason } from './map-finish-reason.js'

/** What the adapter needs to mint OpenAI ids and timestamps (injected, so tests can pin them). */
export interface ResponseIdentity {
  /** The model the caller asked for (upstream name), used when Gemini does not say its modelVersion. */
  model: string
  now: () => number
  randomId: () => string
}

/** The assistant message's reasoning, an extension OpenAI-compatible clients read (DeepSeek's name). */
export type MessageWithReasoning = ChatCompletion.Choice['message'] & { reasoning_content?: string }

/** A tool call plus the thought signature Gemini 3 wants back with it (Google's OpenAI-compatible field). */
export type ToolCallWithSignature = ChatCompletionMessageFunctionToolCall & { extra_content?: { google: { thought_signature: string } } }

export function completionId(responseId: string | undefined, identity: ResponseIdentity): string {
  return `chatcmpl-${responseId ?? identity.randomId()}`
}

export function toolCallFromPart(part: Part, identity: ResponseIdentity): ToolCallWithSignature {
  const call: ToolCallWithSignature = {
    id: `call_${identity.randomId()}`,
    type: 'function',
    function: { name: part.functionCall?.name ?? '', arguments: JSON.stringify(part.functionCall?.args ?? {}) },
  }
  if (part.thoughtSignature) call.extra_content = { google: { thought_signature: part.thoughtSignature } }
  return call
}

/** Gemini's whole-prompt block (no candidates): the answer is a refusal that says why. */
export function blockedMessage(blockReason: string): string {
  return `The prompt was blocked by Gemini (${blockReason}).`
}

function convertCandidate(candidate: Candidate, index: number, identity: ResponseIdentity): ChatCompletion.Choice {
  let text = ''
  let reasoning = ''
  const toolCalls: ToolCallWithSignature[] = []
  for (const part of candidate.content?.parts ?? []) {
    if (part.functionCall) toolCalls.push(toolCallFromPart(part, identity))
    else if (typeof part.text === 'string') {
      if (part.thought) reasoning += part.text
      else text += part.text
    }
  }
  const message: MessageWithReasoning = {
    role: 'assistant',
    content: text === '' && toolCalls.length > 0 ? null : text,
    refusal: null,
  }
  if (toolCalls.length > 0) message.tool_calls = toolCalls
  if (reasoning !== '') message.reasoning_content = reasoning
  return {
    index: candidate.index ?? index,
    message,
    logprobs: null,
    finish_reason: mapFinishReason(candidate.finishReason, toolCalls.length > 0),
  }
}

/** A whole generateContent response → ChatCompletion. */
export function convertResponse(response: GenerateContentResponse, identity: ResponseIdentity): ChatCompletion {
  const candidates = response.candidates ?? []
  const blockReason = response.promptFeedback?.blockReason
  const choices: ChatCompletion.Choice[] = candidates.length > 0
    ? candidates.map((c, i) => convertCandidate(c, i, identity))
    : [{
        index: 0,
        message: { role: 'assistant', content: null, refusal: blockedMessage(blockReason ?? 'no candidates') },
        logprobs: null,
        finish_reason: 'content_filter',
      }]
  return {
    id: completionId(response.responseId, identity),
    object: 'chat.completion',
    created: Math.floor(identity.now() / 1000),
    model: response.modelVersion ?? identity.model,
    choices,
    usage: convertUsage(response.usageMetadata),
  }
}
