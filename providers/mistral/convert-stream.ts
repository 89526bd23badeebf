import type * as components from '@mistralai/mistralai/models/components'
import type { ChatCompletionChunk } from '../types.js'
import { mapFinishReason, mapUsage, splitContent } from './convert-response.js'
import type { ToolCallIdMap } from './tool-call-ids.js'

type ChunkChoice = ChatCompletionChunk['choices'][number]
type Delta = ChunkChoice['delta'] & { reasoning_content?: string }
type DeltaToolCall = NonNullable<ChunkChoice['delta']['tool_calls']>[number]

/** Per-choice state: whether the role went out, and the index each tool call got. */
interface ChoiceState {
  roleSent: boolean
  toolCalls: number
}

function hasContent(delta: Delta): boolean {
  return delta.role !== undefined || delta.content !== undefined || delta.reasoning_content !== undefined || (delta.tool_calls?.length ?? 0) > 0
}

/**
 * Mistral's stream as OpenAI chunks. Mistral sends whole tool calls without `index` or `type` (its SDK fills
 * index 0 for all of them), and puts finish_reason and usage on the last content chunk; OpenAI clients want
 * indexed, typed tool calls, a final chunk with finish_reason alone, then a usage chunk with no choices.
 */
export async function* fromMistralStream(
  provider: string,
  events: AsyncIterable<components.CompletionEvent>,
  ids: ToolCallIdMap,
  nowSeconds: () => number,
): AsyncGenerator<ChatCompletionChunk> {
  const choices = new Map<number, ChoiceState>()
  let created: number | undefined

  for await (const event of events) {
    const chunk = event.data
    created ??= chunk.created ?? nowSeconds()
    const base = { id: chunk.id, object: 'chat.completion.chunk' as const, created: chunk.created ?? created, model: chunk.model }
    const contentChoices: ChunkChoice[] = []
    const finishChoices: ChunkChoice[] = []

    for (const choice of chunk.choices) {
      let state = choices.get(choice.index)
      if (!state) {
        state = { roleSent: false, toolCalls: 0 }
        choices.set(choice.index, state)
      }
      const delta: Delta = {}
      if (!state.roleSent) {
        delta.role = 'assistant'
        state.roleSent = true
      }
      const { text, reasoning } = splitContent(choice.delta.content)
      if (reasoning) delta.reasoning_content = reasoning
      // The opening `content: ""` that comes with the role is kept, as OpenAI sends it.
      if (text !== '' || (delta.role && typeof choice.delta.content === 'string')) delta.content = text

      const toolCalls: DeltaToolCall[] = []
      for (const call of choice.delta.toolCalls ?? []) {
        const args = typeof call.function.arguments === 'string' ? call.function.arguments : JSON.stringify(call.function.arguments)
        if (call.id && call.id !== 'null') {
          toolCalls.push({ index: state.toolCalls++, id: ids.toOpenAI(call.id), type: 'function', function: { name: call.function.name, arguments: args } })
        } else if (state.toolCalls > 0) {
          // No id: more arguments for the call before it.
          toolCalls.push({ index: state.toolCalls - 1, function: { arguments: args } })
        }
      }
      if (toolCalls.length) delta.tool_calls = toolCalls

      if (hasContent(delta)) contentChoices.push({ index: choice.index, delta, finish_reason: null, logprobs: null })
      if (choice.finishReason !== null) {
        finishChoices.push({ index: choice.index, delta: {}, finish_reason: mapFinishReason(provider, choice.finishReason), logprobs: null })
      }
    }

    if (contentChoices.length) yield { ...base, choices: contentChoices }
    if (finishChoices.length) yield { ...base, choices: finishChoices }
    if (chunk.usage) yield { ...base, choices: [], usage: mapUsage(chunk.usage) }
  }
}
