import type { ChatCompletionContentPart, ChatCompletionMessageParam, ChatCompletionMessageToolCall } from 'openai/resources'
import { invalidRequest } from '../../errors.js'
import type { InputItem } from './request.js'
import type { ToolNames } from './convert-tools.js'

type Part = Record<string, unknown> & { type?: string }

function textOfParts(parts: unknown, where: string): string {
  if (typeof parts === 'string') return parts
  if (!Array.isArray(parts)) throw invalidRequest(`${where}: content must be a string or a list of parts.`, where, 'invalid_value')
  return (parts as Part[]).map((part) => {
    if (typeof part.text === 'string') return part.text
    if (part.type === 'refusal' && typeof part.refusal === 'string') return part.refusal
    return ''
  }).join('')
}

function userPart(part: Part, where: string): ChatCompletionContentPart {
  switch (part.type) {
    case 'input_text':
    case 'output_text':
    case 'text':
      return { type: 'text', text: String(part.text ?? '') }
    case 'input_image': {
      const url = typeof part.image_url === 'string' ? part.image_url : undefined
      if (!url) throw invalidRequest(`${where}: input_image needs an image_url (file_id images exist only on OpenAI).`, where, 'unsupported_value')
      const detail = part.detail === 'low' || part.detail === 'high' || part.detail === 'auto' ? part.detail : undefined
      return { type: 'image_url', image_url: detail ? { url, detail } : { url } }
    }
    case 'input_file': {
      if (typeof part.file_data !== 'string') throw invalidRequest(`${where}: input_file needs file_data off OpenAI.`, where, 'unsupported_value')
      return { type: 'file', file: { file_data: part.file_data, ...(typeof part.filename === 'string' ? { filename: part.filename } : {}) } }
    }
    default:
      throw invalidRequest(`${where}: content part type '${String(part.type)}' is not supported.`, where, 'unsupported_value')
  }
}

function messageOf(item: InputItem, where: string): ChatCompletionMessageParam {
  const content = item.content
  switch (item.role) {
    case 'system':
    case 'developer':
      // Every backend takes a system message; `developer` is OpenAI's newer name for the same thing.
      return { role: 'system', content: textOfParts(content, where) }
    case 'assistant':
      return { role: 'assistant', content: textOfParts(content, where) }
    case 'user':
      if (typeof content === 'string') return { role: 'user', content }
      if (!Array.isArray(content)) throw invalidRequest(`${where}: content must be a string or a list of parts.`, where, 'invalid_value')
      return { role: 'user', content: (content as Part[]).map((part, i) => userPart(part, `${where}.content[${i}]`)) }
    default:
      throw invalidRequest(`${where}: role '${String(item.role)}' is not one of user, assistant, system, developer.`, `${where}.role`, 'invalid_value')
  }
}

function toolOutputText(output: unknown): string {
  if (typeof output === 'string') return output
  if (Array.isArray(output)) return textOfParts(output, 'output')
  return JSON.stringify(output ?? '')
}

/** Items that are another product's state (hosted tools OpenAI ran, reasoning OpenAI encrypted): no other backend can use them. */
const droppedTypes = new Set(['reasoning', 'web_search_call', 'file_search_call', 'image_generation_call', 'code_interpreter_call', 'mcp_list_tools', 'compaction'])

/**
 * Responses input items → chat messages. Consecutive function calls (and the assistant text right before
 * them) become one assistant message with tool_calls, as chat expects; call ids are kept.
 */
export function inputToMessages(items: readonly InputItem[], names: ToolNames): ChatCompletionMessageParam[] {
  const messages: ChatCompletionMessageParam[] = []
  let pendingAssistant: { content: string | null; tool_calls: ChatCompletionMessageToolCall[] } | undefined
  const flush = () => {
    if (!pendingAssistant) return
    messages.push({ role: 'assistant', content: pendingAssistant.content, ...(pendingAssistant.tool_calls.length ? { tool_calls: pendingAssistant.tool_calls } : {}) })
    pendingAssistant = undefined
  }

  items.forEach((item, i) => {
    const where = `input[${i}]`
    const type = item.type ?? 'message'
    if (droppedTypes.has(type)) return
    if (type === 'message') {
      flush()
      const message = messageOf(item, where)
      if (message.role === 'assistant') pendingAssistant = { content: (message.content as string) || null, tool_calls: [] }
      else messages.push(message)
      return
    }
    if (type === 'function_call' || type === 'custom_tool_call') {
      pendingAssistant ??= { content: null, tool_calls: [] }
      const name = names.toBackend(String(item.name ?? ''), typeof item.namespace === 'string' ? item.namespace : undefined)
      const args = type === 'custom_tool_call' ? JSON.stringify({ input: String(item.input ?? '') }) : String(item.arguments ?? '')
      pendingAssistant.tool_calls.push({ id: String(item.call_id ?? ''), type: 'function', function: { name, arguments: args } })
      return
    }
    if (type === 'function_call_output' || type === 'custom_tool_call_output') {
      flush()
      messages.push({ role: 'tool', tool_call_id: String(item.call_id ?? ''), content: toolOutputText(item.output) })
      return
    }
    throw invalidRequest(`${where}: input items of type '${type}' can only be sent to OpenAI.`, `${where}.type`, 'unsupported_value')
  })
  flush()
  return messages
}
