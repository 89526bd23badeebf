import type { ChatCompletionChunk, CompletionUsage } from 'openai/resources'
import { messageId, stopReasonFor, usageFor, type MessagesUsage, type StopReason } from './from-chat.js'

type StartBlock =
  | { type: 'text'; text: '' }
  | { type: 'thinking'; thinking: ''; signature: '' }
  | { type: 'tool_use'; id: string; name: string; input: Record<string, never> }

type Delta =
  | { type: 'text_delta'; text: string }
  | { type: 'thinking_delta'; thinking: string }
  | { type: 'input_json_delta'; partial_json: string }

/** The events of Anthropic's stream, as the gateway produces them from a translated one. */
export type MessagesEvent =
  | { type: 'message_start'; message: { id: string; type: 'message'; role: 'assistant'; model: string; content: []; stop_reason: null; stop_sequence: null; usage: MessagesUsage } }
  | { type: 'content_block_start'; index: number; content_block: StartBlock }
  | { type: 'ping' }
  | { type: 'content_block_delta'; index: number; delta: Delta }
  | { type: 'content_block_stop'; index: number }
  | { type: 'message_delta'; delta: { stop_reason: StopReason; stop_sequence: null }; usage: MessagesUsage }
  | { type: 'message_stop' }

type ChunkDelta = ChatCompletionChunk.Choice.Delta & { reasoning_content?: string | null }

type OpenKind = 'text' | 'thinking' | 'tool_use'

/**
 * Chat chunks → Anthropic's event sequence: message_start, then one content block at a time (thinking,
 * text, tool_use) each opened by content_block_start and closed by content_block_stop, a ping after the
 * first block opens (where Anthropic sends it), message_delta with stop_reason and usage, message_stop.
 * A source that throws ends the sequence there: the caller turns that into an `error` event.
 */
export async function* toMessagesEvents(chunks: AsyncIterable<ChatCompletionChunk>, model: string): AsyncGenerator<MessagesEvent> {
  let started = false
  let pinged = false
  let index = -1
  let open: OpenKind | null = null
  let openTool = -1
  let finish: string | null = null
  let refused = false
  let usage: CompletionUsage | null | undefined

  const start = (id: string): MessagesEvent => {
    started = true
    return { type: 'message_start', message: { id: messageId(id), type: 'message', role: 'assistant', model, content: [], stop_reason: null, stop_sequence: null, usage: usageFor(null) } }
  }
  function* close(): Generator<MessagesEvent> {
    if (open !== null) yield { type: 'content_block_stop', index }
    open = null
  }
  function* openBlock(block: StartBlock): Generator<MessagesEvent> {
    yield* close()
    index++
    open = block.type
    yield { type: 'content_block_start', index, content_block: block }
    if (!pinged) {
      pinged = true
      yield { type: 'ping' }
    }
  }

  for await (const chunk of chunks) {
    if (!started) yield start(chunk.id)
    if (chunk.usage) usage = chunk.usage
    const choice = chunk.choices[0]
    if (!choice) continue
    const delta = choice.delta as ChunkDelta
    if (delta.reasoning_content) {
      if (open !== 'thinking') yield* openBlock({ type: 'thinking', thinking: '', signature: '' })
      yield { type: 'content_block_delta', index, delta: { type: 'thinking_delta', thinking: delta.reasoning_content } }
    }
    const text = delta.content || delta.refusal
    if (delta.refusal) refused = true
    if (text) {
      if (open !== 'text') yield* openBlock({ type: 'text', text: '' })
      yield { type: 'content_block_delta', index, delta: { type: 'text_delta', text } }
    }
    for (const call of delta.tool_calls ?? []) {
      const isNew = call.id !== undefined && (open !== 'tool_use' || call.index !== openTool)
      if (isNew) {
        openTool = call.index
        yield* openBlock({ type: 'tool_use', id: call.id!, name: call.function?.name ?? '', input: {} })
      }
      const args = call.function?.arguments
      if (args && open === 'tool_use') yield { type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: args } }
    }
    if (choice.finish_reason) finish = choice.finish_reason
  }
  if (!started) yield start('gateway')
  yield* close()
  if (!pinged) yield { type: 'ping' }
  yield { type: 'message_delta', delta: { stop_reason: refused ? 'refusal' : stopReasonFor(finish), stop_sequence: null }, usage: usageFor(usage) }
  yield { type: 'message_stop' }
}
