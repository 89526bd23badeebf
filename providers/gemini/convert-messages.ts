import type { Content, Part } from '@google/genai'
import type {
  ChatCompletionContentPart,
  ChatCompletionMessageParam,
  ChatCompletionMessageToolCall,
} from 'openai/resources'
import { ProviderError } from '../types.js'

/**
 * OpenAI messages → Gemini `systemInstruction` + `contents`. Gemini knows two roles (user, model), wants
 * function results as `functionResponse` parts named after the call they answer, and merges nothing by
 * itself, so consecutive same-role turns are joined here.
 */

export interface ConvertedMessages {
  systemInstruction?: Content
  contents: Content[]
}

/**
 * Gemini 3 refuses a replayed function call without the thought signature it was issued with. A client that
 * echoes our `extra_content.google.thought_signature` gets its real one back; for history that lost it (or
 * came from another model), Google documents this value as the way to skip the check.
 */
export const SKIP_THOUGHT_SIGNATURE = 'skip_thought_signature_validator'

/** What a tool call may carry beyond OpenAI's fields: the signature we handed out with it. */
interface ToolCallExtras {
  extra_content?: { google?: { thought_signature?: unknown } }
}

const MIME_BY_EXTENSION: Record<string, string> = {
  jpg: 'image/jpeg', jpeg: 'image/jpeg', png: 'image/png', gif: 'image/gif', webp: 'image/webp',
  heic: 'image/heic', heif: 'image/heif', pdf: 'application/pdf', mp3: 'audio/mpeg', wav: 'audio/wav',
  mp4: 'video/mp4', txt: 'text/plain',
}

function invalid(provider: string, message: string, param: string): ProviderError {
  return new ProviderError({ provider, status: 400, code: 'invalid_request_error', message, param, retryable: false })
}

function bytesToBase64(bytes: Uint8Array): string {
  let binary = ''
  for (const byte of bytes) binary += String.fromCharCode(byte)
  return btoa(binary)
}

/** `data:<mime>;base64,<data>` → inlineData; a data URL without `;base64` is percent-decoded and encoded. */
function inlineFromDataUrl(url: string): Part | undefined {
  const match = /^data:([^;,]*)((?:;[^;,]*)*),(.*)$/s.exec(url)
  if (!match) return undefined
  const mimeType = match[1] || 'application/octet-stream'
  const isBase64 = (match[2] ?? '').split(';').includes('base64')
  const payload = match[3] ?? ''
  const data = isBase64 ? payload : bytesToBase64(new TextEncoder().encode(decodeURIComponent(payload)))
  return { inlineData: { mimeType, data } }
}

/**
 * An https image becomes `fileData` with a MIME type guessed from the URL's extension; Gemini fetches it
 * itself. Without a known extension `image/jpeg` is sent (the part came as an image; Gemini reads the bytes).
 */
function fileFromUrl(url: string): Part {
  let extension = ''
  try {
    extension = new URL(url).pathname.split('.').pop()?.toLowerCase() ?? ''
  } catch {
    // not a URL: leave the guess to the fallback
  }
  return { fileData: { fileUri: url, mimeType: MIME_BY_EXTENSION[extension] ?? 'image/jpeg' } }
}

function userPart(part: ChatCompletionContentPart, provider: string, param: string): Part {
  switch (part.type) {
    case 'text':
      return { text: part.text }
    case 'image_url': {
      const url = part.image_url.url
      if (url.startsWith('data:')) {
        const inline = inlineFromDataUrl(url)
        if (!inline) throw invalid(provider, 'image_url is not a valid data: URL', `${param}.image_url.url`)
        return inline
      }
      if (/^https?:\/\//i.test(url)) return fileFromUrl(url)
      throw invalid(provider, 'image_url must be an https: or data: URL', `${param}.image_url.url`)
    }
    case 'input_audio': {
      const format = part.input_audio.format
      return { inlineData: { mimeType: format === 'mp3' ? 'audio/mpeg' : `audio/${format}`, data: part.input_audio.data } }
    }
    case 'file': {
      const data = part.file.file_data
      const inline = data ? inlineFromDataUrl(data.startsWith('data:') ? data : `data:application/pdf;base64,${data}`) : undefined
      if (!inline) throw new ProviderError({ provider, status: 400, code: 'unsupported_parameter', message: `${provider} takes files inline (file_data), not by file_id`, param: `${param}.file`, retryable: false })
      return inline
    }
    default:
      throw invalid(provider, `unsupported content part type "${(part as { type: string }).type}"`, `${param}.type`)
  }
}

function textOf(content: string | Array<{ type: string; text?: string }> | null | undefined): string {
  if (typeof content === 'string') return content
  if (!content) return ''
  return content.map((p) => (p.type === 'text' && typeof p.text === 'string' ? p.text : '')).join('')
}

/** A tool's result as Gemini's `response` object: JSON objects as they are, anything else under `result`. */
function functionResponseBody(text: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(text)
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return parsed as Record<string, unknown>
    return { result: parsed }
  } catch {
    return { result: text }
  }
}

function functionCallPart(call: ChatCompletionMessageToolCall, first: boolean, provider: string, param: string): Part {
  if (call.type !== 'function') {
    throw new ProviderError({ provider, status: 400, code: 'unsupported_parameter', message: `${provider} supports function tool calls only`, param: `${param}.type`, retryable: false })
  }
  let args: unknown = {}
  const raw = call.function.arguments.trim()
  if (raw !== '') {
    try {
      args = JSON.parse(raw)
    } catch {
      throw invalid(provider, 'tool call arguments must be a JSON object', `${param}.function.arguments`)
    }
  }
  if (typeof args !== 'object' || args === null || Array.isArray(args)) {
    throw invalid(provider, 'tool call arguments must be a JSON object', `${param}.function.arguments`)
  }
  const part: Part = { functionCall: { name: call.function.name, args: args as Record<string, unknown> } }
  const echoed = (call as ToolCallExtras).extra_content?.google?.thought_signature
  if (typeof echoed === 'string' && echoed !== '') part.thoughtSignature = echoed
  else if (first) part.thoughtSignature = SKIP_THOUGHT_SIGNATURE
  return part
}

/** Appends parts to the last content when it has the same role (Gemini wants turns to alternate). */
function push(contents: Content[], role: 'user' | 'model', parts: Part[]): void {
  if (parts.length === 0) return
  const last = contents.at(-1)
  if (last && last.role === role) last.parts = [...(last.parts ?? []), ...parts]
  else contents.push({ role, parts })
}

export function convertMessages(messages: readonly ChatCompletionMessageParam[], provider: string): ConvertedMessages {
  const system: Part[] = []
  const contents: Content[] = []
  // Gemini names a function result by the function, OpenAI by the call id: remember which id named what.
  const toolNames = new Map<string, string>()

  messages.forEach((message, i) => {
    const param = `messages[${i}]`
    switch (message.role) {
      case 'system':
      case 'developer': {
        const text = textOf(message.content)
        if (text !== '') system.push({ text })
        break
      }
      case 'user': {
        const parts = typeof message.content === 'string'
          ? [{ text: message.content }]
          : message.content.map((part, j) => userPart(part, provider, `${param}.content[${j}]`))
        push(contents, 'user', parts)
        break
      }
      case 'assistant': {
        const parts: Part[] = []
        const text = textOf(message.content as string | Array<{ type: string; text?: string }> | null | undefined)
        if (text !== '') parts.push({ text })
        message.tool_calls?.forEach((call, j) => {
          if (call.type === 'function') toolNames.set(call.id, call.function.name)
          parts.push(functionCallPart(call, j === 0, provider, `${param}.tool_calls[${j}]`))
        })
        if (message.function_call) {
          parts.push(functionCallPart({ id: '', type: 'function', function: message.function_call }, parts.length === 0, provider, `${param}.function_call`))
        }
        push(contents, 'model', parts)
        break
      }
      case 'tool': {
        const name = toolNames.get(message.tool_call_id)
        if (name === undefined) {
          throw invalid(provider, `tool message answers tool_call_id "${message.tool_call_id}", which no earlier assistant message called`, `${param}.tool_call_id`)
        }
        push(contents, 'user', [{ functionResponse: { name, response: functionResponseBody(textOf(message.content)) } }])
        break
      }
      case 'function': {
        push(contents, 'user', [{ functionResponse: { name: message.name, response: functionResponseBody(message.content ?? '') } }])
        break
      }
    }
  })

  if (contents.length === 0) {
    throw invalid(provider, `${provider} needs at least one user or assistant message besides system messages`, 'messages')
  }
  return { systemInstruction: system.length > 0 ? { parts: system } : undefined, contents }
}
