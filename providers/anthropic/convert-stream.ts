import type { RawMessageStreamEvent } from '@anthropic-ai/sdk/resources/messages'
import type { ChatCompletionChunk } from '../types.js'
import { convertUsage, type AnthropicUsageCounts } from './convert-response.js'
import { mapStopReason } from './map-stop-reason.js'

export interface StreamContext {
  /** Unix seconds for every chunk's `created`. */
  created: number
  jsonToolName?: string
  /** Called when the events end before message_stop: an upstream cut the stream short. */
  truncated: () => Error
}

type Delta = ChatCompletionChunk.Choice.Delta & { reasoning_content?: string }

/** How one Anthropic content block streams out. */
type BlockState =
  | { kind: 'text' }
  | { kind: 'thinking' }
  | { kind: 'json-answer' }
  | { kind: 'tool'; toolIndex: number; sentArguments: boolean }
  | { kind: 'other' }

/**
 * Anthropic stream events → OpenAI chunks. The first chunk carries the role; a tool call opens with its
 * index, id and name and then streams its argument deltas (a call without arguments gets `{}`, which a
 * client can parse); thinking streams as `reasoning_content`; message_delta gives the finish_reason chunk
 * and then the usage chunk (`choices: []`), with input counted from message_start unless message_delta
 * reports its own cumulative figures; both go out at message_stop, so a stream cut before it ends in an
 * error and never shows a finish_reason first. Pings are dropped.
 */
export async function* convertStream(events: AsyncIterable<RawMessageStreamEvent>, ctx: StreamContext): AsyncGenerator<ChatCompletionChunk> {
  let id = ''
  let model = ''
  let usage: AnthropicUsageCounts = {}
  let toolCount = 0
  let answeredByJsonTool = false
  let finished = false
  let closing: ChatCompletionChunk[] = []
  const blocks = new Map<number, BlockState>()

  const chunk = (delta: Delta, finishReason: ChatCompletionChunk.Choice['finish_reason'] = null): ChatCompletionChunk => ({
    id, object: 'chat.completion.chunk', created: ctx.created, model,
    choices: [{ index: 0, delta, finish_reason: finishReason, logprobs: null }],
  })

  for await (const event of events) {
    switch (event.type) {
      case 'message_start':
        id = event.message.id
        model = event.message.model
        usage = { ...event.message.usage }
        yield chunk({ role: 'assistant', content: '' })
        break

      case 'content_block_start': {
        const block = event.content_block
        if (block.type === 'text') {
          blocks.set(event.index, { kind: 'text' })
          if (block.text) yield chunk({ content: block.text })
        } else if (block.type === 'thinking') {
          blocks.set(event.index, { kind: 'thinking' })
          if (block.thinking) yield chunk({ reasoning_content: block.thinking })
        } else if (block.type === 'tool_use' && ctx.jsonToolName !== undefined && block.name === ctx.jsonToolName) {
          blocks.set(event.index, { kind: 'json-answer' })
          answeredByJsonTool = true
        } else if (block.type === 'tool_use') {
          const toolIndex = toolCount++
          blocks.set(event.index, { kind: 'tool', toolIndex, sentArguments: false })
          yield chunk({ tool_calls: [{ index: toolIndex, id: block.id, type: 'function', function: { name: block.name, arguments: '' } }] })
        } else {
          blocks.set(event.index, { kind: 'other' })
        }
        break
      }

      case 'content_block_delta': {
        const state = blocks.get(event.index)
        const delta = event.delta
        if (delta.type === 'text_delta' && delta.text) yield chunk({ content: delta.text })
        else if (delta.type === 'thinking_delta' && delta.thinking) yield chunk({ reasoning_content: delta.thinking })
        else if (delta.type === 'input_json_delta' && delta.partial_json) {
          if (state?.kind === 'json-answer') yield chunk({ content: delta.partial_json })
          else if (state?.kind === 'tool') {
            state.sentArguments = true
            yield chunk({ tool_calls: [{ index: state.toolIndex, function: { arguments: delta.partial_json } }] })
          }
        }
        break
      }

      case 'content_block_stop': {
        const state = blocks.get(event.index)
        if (state?.kind === 'tool' && !state.sentArguments) {
          state.sentArguments = true
          yield chunk({ tool_calls: [{ index: state.toolIndex, function: { arguments: '{}' } }] })
        }
        break
      }

      case 'message_delta': {
        // message_delta's counts are cumulative: where it reports one, it supersedes message_start's.
        for (const [key, value] of Object.entries(event.usage) as Array<[keyof AnthropicUsageCounts, unknown]>) {
          if (value != null) (usage as Record<string, unknown>)[key] = value
        }
        // A refusal's explanation is the message's `refusal`, as in the non-streaming translation.
        const explanation = event.delta.stop_reason === 'refusal' ? event.delta.stop_details?.explanation : undefined
        if (explanation) yield chunk({ refusal: explanation })
        const onlyJsonAnswer = answeredByJsonTool && toolCount === 0
        closing = [
          chunk({}, mapStopReason(event.delta.stop_reason, onlyJsonAnswer)),
          { id, object: 'chat.completion.chunk', created: ctx.created, model, choices: [], usage: convertUsage(usage) },
        ]
        break
      }

      case 'message_stop':
        // No message_delta before it is as broken as no message_stop at all.
        if (closing.length === 0) throw ctx.truncated()
        yield* closing
        finished = true
        break

      default:
        // Pings never reach here (the SDK drops them) and are ignored anyway.
        break
    }
  }
  if (!finished) throw ctx.truncated()
}
