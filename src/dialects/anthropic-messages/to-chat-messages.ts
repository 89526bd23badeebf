import type {
  ChatCompletionAssistantMessageParam,
  ChatCompletionContentPart,
  ChatCompletionContentPartText,
  ChatCompletionMessageParam,
  ChatCompletionMessageToolCall,
} from 'openai/resources'
import { invalidRequest } from '../../errors.js'
import type { ContentBlockParam, MessageParam, MessagesRequest } from './request.js'

interface Source { type?: string; media_type?: string; data?: string; url?: string; text?: string }

const refuse = (path: string, what: string) =>
  invalidRequest(`${path}: ${what} cannot be translated for this route's backend; route the call to an Anthropic model to use it.`, path)

function textOf(block: ContentBlockParam, path: string): string {
  if (typeof block.text !== 'string') throw invalidRequest(`${path}.text: expected a string`, `${path}.text`)
  return block.text
}

function imagePart(block: ContentBlockParam, path: string): ChatCompletionContentPart {
  const source = (block.source ?? {}) as Source
  if (source.type === 'base64' && source.media_type && source.data) return { type: 'image_url', image_url: { url: `data:${source.media_type};base64,${source.data}` } }
  if (source.type === 'url' && source.url) return { type: 'image_url', image_url: { url: source.url } }
  throw refuse(`${path}.source`, `an image source of type "${source.type ?? 'unknown'}"`)
}

/** PDFs as OpenAI file parts (the backends that read PDFs take them so); plain-text documents as text. */
function documentPart(block: ContentBlockParam, path: string): ChatCompletionContentPart {
  const source = (block.source ?? {}) as Source
  const title = typeof block.title === 'string' ? block.title : undefined
  if (source.type === 'text' && typeof source.data === 'string') return { type: 'text', text: title ? `${title}\n\n${source.data}` : source.data }
  if (source.type === 'base64' && source.media_type === 'application/pdf' && source.data) {
    return { type: 'file', file: { file_data: `data:application/pdf;base64,${source.data}`, filename: title ?? 'document.pdf' } }
  }
  throw refuse(`${path}.source`, `a document source of type "${source.type ?? 'unknown'}"`)
}

/** A user turn's content part; thinking and cache markers carry nothing a backend reads. */
function userPart(block: ContentBlockParam, path: string): ChatCompletionContentPart | undefined {
  switch (block.type) {
    case 'text': return { type: 'text', text: textOf(block, path) }
    case 'image': return imagePart(block, path)
    case 'document': return documentPart(block, path)
    case 'thinking':
    case 'redacted_thinking': return undefined
    default: throw refuse(`${path}.type`, `a "${block.type}" block`)
  }
}

/** tool_result content: text joins into the tool message; images go into a user message right after. */
function toolResult(block: ContentBlockParam, path: string): { message: ChatCompletionMessageParam; images: ChatCompletionContentPart[] } {
  const id = block.tool_use_id
  if (typeof id !== 'string' || id === '') throw invalidRequest(`${path}.tool_use_id: expected a string`, `${path}.tool_use_id`)
  const texts: string[] = []
  const images: ChatCompletionContentPart[] = []
  const content = block.content
  if (typeof content === 'string') texts.push(content)
  else if (Array.isArray(content)) {
    content.forEach((inner: ContentBlockParam, i) => {
      const part = userPart(inner, `${path}.content[${i}]`)
      if (part?.type === 'text') texts.push(part.text)
      else if (part) images.push(part)
    })
  }
  const text = texts.join('\n')
  return { message: { role: 'tool', tool_call_id: id, content: block.is_error === true ? `Error: ${text}` : text }, images }
}

function userMessages(message: MessageParam, path: string): ChatCompletionMessageParam[] {
  if (typeof message.content === 'string') return [{ role: 'user', content: message.content }]
  const out: ChatCompletionMessageParam[] = []
  let parts: ChatCompletionContentPart[] = []
  const flush = () => {
    if (parts.length === 0) return
    const allText = parts.every((p) => p.type === 'text')
    out.push({ role: 'user', content: allText && parts.length === 1 ? (parts[0] as ChatCompletionContentPartText).text : parts })
    parts = []
  }
  message.content.forEach((block, i) => {
    const blockPath = `${path}.content[${i}]`
    if (block.type === 'tool_result') {
      flush()
      const { message: toolMessage, images } = toolResult(block, blockPath)
      out.push(toolMessage)
      parts.push(...images)
      return
    }
    const part = userPart(block, blockPath)
    if (part) parts.push(part)
  })
  flush()
  // Tool messages must follow the assistant's calls directly: images of a result come after all of them.
  return [...out.filter((m) => m.role === 'tool'), ...out.filter((m) => m.role !== 'tool')]
}

function assistantMessage(message: MessageParam, path: string): ChatCompletionAssistantMessageParam {
  if (typeof message.content === 'string') return { role: 'assistant', content: message.content }
  let text = ''
  const calls: ChatCompletionMessageToolCall[] = []
  message.content.forEach((block, i) => {
    const blockPath = `${path}.content[${i}]`
    if (block.type === 'text') text += textOf(block, blockPath)
    else if (block.type === 'tool_use') {
      if (typeof block.id !== 'string' || typeof block.name !== 'string') throw invalidRequest(`${blockPath}: tool_use needs an id and a name`, blockPath)
      calls.push({ id: block.id, type: 'function', function: { name: block.name, arguments: JSON.stringify(block.input ?? {}) } })
    } else if (block.type !== 'thinking' && block.type !== 'redacted_thinking') {
      throw refuse(`${blockPath}.type`, `a "${block.type}" block`)
    }
  })
  return { role: 'assistant', content: text === '' && calls.length > 0 ? null : text, ...(calls.length > 0 && { tool_calls: calls }) }
}

/** The system prompt as one system message: blocks joined (their cache_control has no meaning elsewhere). */
function systemMessage(system: MessagesRequest['system']): ChatCompletionMessageParam | undefined {
  if (system === undefined) return undefined
  const text = typeof system === 'string' ? system : system.map((block, i) => textOf(block, `system[${i}]`)).join('\n\n')
  return text === '' ? undefined : { role: 'system', content: text }
}

/** Anthropic's system + messages → OpenAI chat messages; tool_use / tool_result ids are kept as they are. */
export function toChatMessages(request: Pick<MessagesRequest, 'system' | 'messages'>): ChatCompletionMessageParam[] {
  const out: ChatCompletionMessageParam[] = []
  const system = systemMessage(request.system)
  if (system) out.push(system)
  request.messages.forEach((message, i) => {
    const path = `messages[${i}]`
    if (message.role === 'user') out.push(...userMessages(message, path))
    else out.push(assistantMessage(message, path))
  })
  return out
}
