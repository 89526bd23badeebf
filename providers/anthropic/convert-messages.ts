import type {
  Base64ImageSource,
  ContentBlockParam,
  ImageBlockParam,
  DocumentBlockParam,
  MessageParam,
  TextBlockParam,
  ToolResultBlockParam,
} from '@anthropic-ai/sdk/resources/messages'
import type {
  ChatCompletionAssistantMessageParam,
  ChatCompletionContentPart,
  ChatCompletionMessageParam,
  ChatCompletionToolMessageParam,
} from 'openai/resources'
import { ProviderError, type ProviderErrorCode } from '../types.js'

/** An OpenAI conversation as Anthropic wants it: the leading system text apart, then alternating turns. */
export interface ConvertedMessages {
  system?: string | TextBlockParam[]
  messages: MessageParam[]
}

type Role = 'user' | 'assistant' | 'system'

const imageMediaTypes = new Set<Base64ImageSource['media_type']>(['image/jpeg', 'image/png', 'image/gif', 'image/webp'])

export function requestError(provider: string, message: string, param: string, code: ProviderErrorCode = 'invalid_request_error'): ProviderError {
  return new ProviderError({ provider, status: 400, code, message: `${provider}: ${message}`, param, retryable: false })
}

/** `data:<media type>;base64,<data>`, or undefined when the URL is not a base64 data URL. */
function parseDataUrl(url: string): { mediaType: string; data: string } | undefined {
  const match = /^data:([^;,]+);base64,(.*)$/s.exec(url)
  return match ? { mediaType: match[1]!.toLowerCase(), data: match[2]! } : undefined
}

function imageBlock(provider: string, url: string, param: string): ImageBlockParam {
  const inline = parseDataUrl(url)
  if (inline) {
    const mediaType = inline.mediaType === 'image/jpg' ? 'image/jpeg' : inline.mediaType
    if (!imageMediaTypes.has(mediaType as Base64ImageSource['media_type'])) {
      throw requestError(provider, `images must be JPEG, PNG, GIF or WebP, not ${inline.mediaType}`, param)
    }
    return { type: 'image', source: { type: 'base64', media_type: mediaType as Base64ImageSource['media_type'], data: inline.data } }
  }
  if (/^https?:\/\//i.test(url)) return { type: 'image', source: { type: 'url', url } }
  throw requestError(provider, 'image_url must be an https URL or a base64 data: URL', param)
}

function fileBlock(provider: string, part: ChatCompletionContentPart.File, param: string): DocumentBlockParam {
  const inline = part.file.file_data ? parseDataUrl(part.file.file_data) : undefined
  if (inline?.mediaType === 'application/pdf') {
    return { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: inline.data } }
  }
  throw requestError(provider, 'files must be PDFs given as a base64 data: URL in file_data', param, 'unsupported_parameter')
}

function userContent(provider: string, content: string | ChatCompletionContentPart[], param: string): ContentBlockParam[] {
  if (typeof content === 'string') return content === '' ? [] : [{ type: 'text', text: content }]
  return content.flatMap((part, i): ContentBlockParam[] => {
    const partParam = `${param}[${i}]`
    switch (part.type) {
      case 'text':
        return part.text === '' ? [] : [{ type: 'text', text: part.text }]
      case 'image_url':
        return [imageBlock(provider, part.image_url.url, `${partParam}.image_url.url`)]
      case 'file':
        return [fileBlock(provider, part, partParam)]
      default:
        throw requestError(provider, `content parts of type "${part.type}" are not supported`, partParam, 'unsupported_parameter')
    }
  })
}

function textOf(content: string | Array<{ type: string; text?: string; refusal?: string }> | null | undefined): string {
  if (content == null) return ''
  if (typeof content === 'string') return content
  return content.map((part) => part.text ?? part.refusal ?? '').join('')
}

function parseArguments(provider: string, raw: string, param: string): unknown {
  if (raw.trim() === '') return {}
  try {
    return JSON.parse(raw) as unknown
  } catch {
    throw requestError(provider, 'tool call arguments must be valid JSON', param)
  }
}

function assistantContent(provider: string, message: ChatCompletionAssistantMessageParam, param: string): ContentBlockParam[] {
  const blocks: ContentBlockParam[] = []
  const text = textOf(message.content)
  // Anthropic rejects empty text blocks; an assistant turn that only calls tools has none.
  if (text !== '') blocks.push({ type: 'text', text })
  for (const [i, call] of (message.tool_calls ?? []).entries()) {
    if (call.type !== 'function') {
      throw requestError(provider, 'only function tool calls are supported', `${param}.tool_calls[${i}]`, 'unsupported_parameter')
    }
    blocks.push({
      type: 'tool_use',
      id: call.id,
      name: call.function.name,
      input: parseArguments(provider, call.function.arguments, `${param}.tool_calls[${i}].function.arguments`),
    })
  }
  return blocks
}

function toolResult(message: ChatCompletionToolMessageParam): ToolResultBlockParam {
  return { type: 'tool_result', tool_use_id: message.tool_call_id, content: textOf(message.content) }
}

/** Appends a turn, merging it into the previous one when the role repeats (Anthropic wants alternation). */
function pushTurn(turns: MessageParam[], role: Role, blocks: ContentBlockParam[]): void {
  if (blocks.length === 0) return
  const last = turns.at(-1)
  if (last && last.role === role) {
    const previous: ContentBlockParam[] = typeof last.content === 'string' ? [{ type: 'text', text: last.content }] : [...last.content] as ContentBlockParam[]
    last.content = [...previous, ...blocks] as typeof last.content
    return
  }
  // A lone text block travels as a plain string, the form Anthropic's own examples use.
  const only = blocks[0]!
  const content = blocks.length === 1 && only.type === 'text' && !only.cache_control ? only.text : blocks
  turns.push({ role, content } as MessageParam)
}

/**
 * OpenAI messages → Anthropic `system` and `messages`. System and developer messages before the first turn
 * become `system`; later ones stay in place as system turns (API version 2026-10-21 accepts them there),
 * so their position in the conversation keeps its meaning. Tool results become tool_result blocks in a
 * user turn, and consecutive same-role turns are merged.
 */
export function convertMessages(provider: string, input: ChatCompletionMessageParam[]): ConvertedMessages {
  const system: string[] = []
  const turns: MessageParam[] = []
  for (const [i, message] of input.entries()) {
    const param = `messages[${i}]`
    switch (message.role) {
      case 'system':
      case 'developer': {
        const text = textOf(message.content)
        if (turns.length === 0) {
          if (text !== '') system.push(text)
        } else {
          pushTurn(turns, 'system', text === '' ? [] : [{ type: 'text', text }])
        }
        break
      }
      case 'user':
        pushTurn(turns, 'user', userContent(provider, message.content, `${param}.content`))
        break
      case 'assistant':
        pushTurn(turns, 'assistant', assistantContent(provider, message, param))
        break
      case 'tool':
        pushTurn(turns, 'user', [toolResult(message)])
        break
      default:
        throw requestError(provider, `messages with role "${message.role}" are not supported`, `${param}.role`, 'unsupported_parameter')
    }
  }
  if (system.length === 0) return { messages: turns }
  return { system: system.length === 1 ? system[0]! : system.map((text) => ({ type: 'text', text })), messages: turns }
}
