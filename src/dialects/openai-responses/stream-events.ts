import type { ChatCompletionChunk } from 'openai/resources'
import { toGatewayError } from '../../errors.js'
import type { ToolNames } from './convert-tools.js'
import { callItem } from './from-chat.js'
import { endingOf, newItemId, responseUsage, type CustomToolCallItem, type FunctionCallItem, type MessageItem, type OutputItem, type ReasoningItem, type ResponseObject } from './response-object.js'

/** One event of a Responses stream (its `type` names it; `sequence_number` counts from 0). */
export type ResponseEvent = Record<string, unknown> & { type: string; sequence_number: number }

type Delta = ChatCompletionChunk.Choice.Delta & { reasoning_content?: string }

type Open =
  | { kind: 'reasoning'; index: number; item: ReasoningItem; text: string }
  | { kind: 'message'; index: number; item: MessageItem; text: string; refusal: string }
  | { kind: 'call'; index: number; toolIndex: number; item: FunctionCallItem | CustomToolCallItem; args: string }

type Emit = (event: Record<string, unknown> & { type: string }) => ResponseEvent

function openEvents(open: Open, emit: Emit): ResponseEvent[] {
  const base = { output_index: open.index, item: structuredClone(open.item) }
  const events = [emit({ type: 'response.output_item.added', ...base })]
  if (open.kind === 'reasoning') {
    events.push(emit({ type: 'response.reasoning_summary_part.added', item_id: open.item.id, output_index: open.index, summary_index: 0, part: { type: 'summary_text', text: '' } }))
  }
  return events
}

function closeEvents(open: Open, emit: Emit, names: ToolNames): { events: ResponseEvent[]; item: OutputItem } {
  const ids = { item_id: open.item.id, output_index: open.index }
  const events: ResponseEvent[] = []
  if (open.kind === 'reasoning') {
    const part = { type: 'summary_text' as const, text: open.text }
    events.push(emit({ type: 'response.reasoning_summary_text.done', ...ids, summary_index: 0, text: open.text }))
    events.push(emit({ type: 'response.reasoning_summary_part.done', ...ids, summary_index: 0, part }))
    const item: ReasoningItem = { ...open.item, summary: [part] }
    events.push(emit({ type: 'response.output_item.done', output_index: open.index, item }))
    return { events, item }
  }
  if (open.kind === 'message') {
    const part = open.refusal
      ? { type: 'refusal' as const, refusal: open.refusal }
      : { type: 'output_text' as const, text: open.text, annotations: [], logprobs: [] }
    if (part.type === 'refusal') events.push(emit({ type: 'response.refusal.done', ...ids, content_index: 0, refusal: open.refusal }))
    else events.push(emit({ type: 'response.output_text.done', ...ids, content_index: 0, text: open.text, logprobs: [] }))
    events.push(emit({ type: 'response.content_part.done', ...ids, content_index: 0, part }))
    const item: MessageItem = { ...open.item, status: 'completed', content: [part] }
    events.push(emit({ type: 'response.output_item.done', output_index: open.index, item }))
    return { events, item }
  }
  const finished = callItem(names, open.item.call_id, names.toBackend(open.item.name, open.item.namespace), open.args, 'completed')
  const item = { ...finished, id: open.item.id }
  if (item.type === 'custom_tool_call') {
    events.push(emit({ type: 'response.custom_tool_call_input.delta', ...ids, delta: item.input }))
    events.push(emit({ type: 'response.custom_tool_call_input.done', ...ids, input: item.input }))
  } else if (item.type === 'function_call') {
    events.push(emit({ type: 'response.function_call_arguments.done', ...ids, name: item.name, arguments: item.arguments }))
  }
  events.push(emit({ type: 'response.output_item.done', output_index: open.index, item }))
  return { events, item }
}

/**
 * A chat chunk stream → the Responses event sequence: created, in_progress, each output item added,
 * its deltas, done, then completed (or incomplete) with the whole Response and its usage. A failure after
 * the stream began becomes an `error` event and `response.failed`. `onEnd` receives the final Response.
 */
export async function* responseEvents(
  shell: ResponseObject,
  chunks: AsyncIterable<ChatCompletionChunk>,
  names: ToolNames,
  onEnd: (response: ResponseObject) => void,
): AsyncGenerator<ResponseEvent> {
  let sequence = 0
  const emit: Emit = (event) => ({ ...event, sequence_number: sequence++ })
  const output: OutputItem[] = []
  let open: Open | undefined
  let finishReason: string | null = null
  let usage: ChatCompletionChunk['usage'] = null


  const close = function* () {
    if (!open) return
    const { events, item } = closeEvents(open, emit, names)
    output[open.index] = item
    open = undefined
    yield* events
  }
  const start = function* (next: Open) {
    open = next
    output[next.index] = next.item
    yield* openEvents(next, emit)
  }

  const iterator = chunks[Symbol.asyncIterator]()
  let finished = false
  try {
    yield emit({ type: 'response.created', response: structuredClone(shell) })
    yield emit({ type: 'response.in_progress', response: structuredClone(shell) })
    for (let step = await iterator.next(); !step.done; step = await iterator.next()) {
      const chunk = step.value
      if (chunk.usage) usage = chunk.usage
      const choice = chunk.choices[0]
      if (!choice) continue
      const delta = choice.delta as Delta
      if (delta.reasoning_content) {
        if (open?.kind !== 'reasoning') {
          yield* close()
          yield* start({ kind: 'reasoning', index: output.length, item: { id: newItemId('rs'), type: 'reasoning', summary: [] }, text: '' })
        }
        const current = open as Extract<Open, { kind: 'reasoning' }>
        current.text += delta.reasoning_content
        yield emit({ type: 'response.reasoning_summary_text.delta', item_id: current.item.id, output_index: current.index, summary_index: 0, delta: delta.reasoning_content })
      }
      const text = delta.content ?? ''
      const refusal = delta.refusal ?? ''
      if (text || refusal) {
        if (open?.kind !== 'message') {
          yield* close()
          const item: MessageItem = { id: newItemId('msg'), type: 'message', status: 'in_progress', role: 'assistant', content: [] }
          yield* start({ kind: 'message', index: output.length, item, text: '', refusal: '' })
          const part = refusal ? { type: 'refusal', refusal: '' } : { type: 'output_text', text: '', annotations: [], logprobs: [] }
          yield emit({ type: 'response.content_part.added', item_id: item.id, output_index: output.length - 1, content_index: 0, part })
        }
        const current = open as Extract<Open, { kind: 'message' }>
        const ids = { item_id: current.item.id, output_index: current.index, content_index: 0 }
        if (refusal) {
          current.refusal += refusal
          yield emit({ type: 'response.refusal.delta', ...ids, delta: refusal })
        }
        if (text) {
          current.text += text
          yield emit({ type: 'response.output_text.delta', ...ids, delta: text, logprobs: [] })
        }
      }
      for (const call of delta.tool_calls ?? []) {
        if (open?.kind !== 'call' || open.toolIndex !== call.index) {
          yield* close()
          const item = callItem(names, call.id ?? '', call.function?.name ?? '', '', 'in_progress') as FunctionCallItem | CustomToolCallItem
          yield* start({ kind: 'call', index: output.length, toolIndex: call.index, item, args: '' })
        }
        const current = open as Extract<Open, { kind: 'call' }>
        const piece = call.function?.arguments ?? ''
        if (!piece) continue
        current.args += piece
        if (current.item.type === 'function_call') {
          yield emit({ type: 'response.function_call_arguments.delta', item_id: current.item.id, output_index: current.index, delta: piece })
        }
      }
      if (choice.finish_reason) finishReason = choice.finish_reason
    }
    finished = true
    yield* close()
  } catch (err) {
    finished = true
    const mapped = toGatewayError(err)
    const code = mapped.code ?? mapped.type
    const failed: ResponseObject = { ...shell, status: 'failed', output: output.filter(Boolean), error: { code, message: mapped.message }, usage: responseUsage(usage) }
    yield emit({ type: 'error', code, message: mapped.message, param: mapped.param })
    yield emit({ type: 'response.failed', response: failed })
    onEnd(failed)
    return
  } finally {
    // A client gone before the upstream finished: close it (the attempt is metered as aborted).
    if (!finished) await iterator.return?.()
  }

  const final: ResponseObject = { ...shell, ...endingOf(finishReason), output, usage: responseUsage(usage) }
  onEnd(final)
  yield emit({ type: final.status === 'incomplete' ? 'response.incomplete' : 'response.completed', response: final })
}
