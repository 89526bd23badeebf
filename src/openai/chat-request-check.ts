/**
 * The hand-written twin of `chatRequestSchema` (chat-request.ts): the same rules, checked in place without
 * building a second object graph. It only ever says yes to what the schema accepts; on a no, the schema
 * runs to word the error, so the two can differ only in speed.
 */

type Json = Record<string, unknown>

const ROLES = new Set(['system', 'developer', 'user', 'assistant', 'tool', 'function'])
const TOOL_CHOICES = new Set(['none', 'auto', 'required'])
const RESPONSE_FORMATS = new Set(['text', 'json_object', 'json_schema'])

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value)
const absent = (value: unknown): boolean => value === undefined || value === null
const optionalString = (value: unknown): boolean => value === undefined || typeof value === 'string'
const nullishString = (value: unknown): boolean => absent(value) || typeof value === 'string'
const nullishBoolean = (value: unknown): boolean => absent(value) || typeof value === 'boolean'

function nullishNumber(value: unknown, min: number, max: number, integer = false): boolean {
  if (absent(value)) return true
  if (typeof value !== 'number' || value < min || value > max) return false
  return !integer || Number.isSafeInteger(value)
}

function validToolCall(call: unknown): boolean {
  if (!isObject(call) || typeof call.id !== 'string' || typeof call.type !== 'string') return false
  const fn = call.function
  return fn === undefined || (isObject(fn) && typeof fn.name === 'string' && typeof fn.arguments === 'string')
}

function validContent(content: unknown): boolean {
  if (content === undefined || content === null || typeof content === 'string') return true
  if (!Array.isArray(content)) return false
  for (const part of content as unknown[]) if (!isObject(part) || typeof part.type !== 'string') return false
  return true
}

function validMessage(message: unknown): boolean {
  if (!isObject(message) || typeof message.role !== 'string' || !ROLES.has(message.role)) return false
  if (!validContent(message.content) || !optionalString(message.name) || !optionalString(message.tool_call_id)) return false
  const calls = message.tool_calls
  if (calls === undefined) return true
  if (!Array.isArray(calls)) return false
  for (const call of calls as unknown[]) if (!validToolCall(call)) return false
  return true
}

function validTool(tool: unknown): boolean {
  if (!isObject(tool) || typeof tool.type !== 'string') return false
  const fn = tool.function
  if (fn === undefined) return true
  if (!isObject(fn) || typeof fn.name !== 'string' || fn.name.length === 0 || !optionalString(fn.description)) return false
  return fn.parameters === undefined || isObject(fn.parameters)
}

function validStop(stop: unknown): boolean {
  if (stop === undefined || stop === null || typeof stop === 'string') return true
  if (!Array.isArray(stop) || stop.length > 4) return false
  for (const item of stop as unknown[]) if (typeof item !== 'string') return false
  return true
}

function validList(list: unknown, valid: (item: unknown) => boolean): boolean {
  if (absent(list)) return true
  if (!Array.isArray(list)) return false
  for (const item of list as unknown[]) if (!valid(item)) return false
  return true
}

/** True when `body` passes `chatRequestSchema` as it is. */
export function isValidChatRequest(body: unknown): boolean {
  if (!isObject(body)) return false
  if (typeof body.model !== 'string' || body.model.length === 0) return false
  const messages = body.messages
  if (!Array.isArray(messages) || messages.length === 0) return false
  for (const message of messages as unknown[]) if (!validMessage(message)) return false
  const streamOptions = body.stream_options
  if (!absent(streamOptions) && !(isObject(streamOptions) && (streamOptions.include_usage === undefined || typeof streamOptions.include_usage === 'boolean'))) return false
  const toolChoice = body.tool_choice
  if (!absent(toolChoice) && !(typeof toolChoice === 'string' ? TOOL_CHOICES.has(toolChoice) : isObject(toolChoice) && typeof toolChoice.type === 'string')) return false
  const format = body.response_format
  if (!absent(format) && !(isObject(format) && typeof format.type === 'string' && RESPONSE_FORMATS.has(format.type))) return false
  return nullishBoolean(body.stream)
    && nullishNumber(body.n, 1, 128, true)
    && nullishNumber(body.temperature, 0, 2)
    && nullishNumber(body.top_p, 0, 1)
    && nullishNumber(body.max_tokens, 1, Number.MAX_SAFE_INTEGER, true)
    && nullishNumber(body.max_completion_tokens, 1, Number.MAX_SAFE_INTEGER, true)
    && nullishNumber(body.presence_penalty, -2, 2)
    && nullishNumber(body.frequency_penalty, -2, 2)
    && nullishNumber(body.seed, -Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER, true)
    && validStop(body.stop)
    && validList(body.tools, validTool)
    && nullishString(body.user)
}
