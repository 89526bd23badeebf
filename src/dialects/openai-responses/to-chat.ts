import type { ChatCompletionCreateParams, ChatCompletionMessageParam } from 'openai/resources'
import { invalidRequest } from '../../errors.js'
import { inputToMessages } from './convert-input.js'
import { convertTextFormat, convertToolChoice, convertTools, ToolNames } from './convert-tools.js'
import type { InputItem, ResponsesRequest } from './request.js'

export interface ChatTranslation {
  body: ChatCompletionCreateParams
  names: ToolNames
}

type Effort = NonNullable<ChatCompletionCreateParams['reasoning_effort']>

/** Responses efforts → chat's: `none` asks for no reasoning (left unset), `minimal` is the lowest chat knows everywhere. */
function effortOf(effort: string | null | undefined): Effort | undefined {
  if (!effort || effort === 'none') return undefined
  if (effort === 'minimal') return 'low'
  return effort as Effort
}

/**
 * A Responses request (its input already joined to the stored conversation it continues) → the canonical
 * chat body every backend takes. What only OpenAI understands (include, prompt_cache_key,
 * client_metadata, store, hosted tools, encrypted reasoning) is left out rather than refused, so a client
 * written for OpenAI runs unchanged on any backend.
 */
export function toChatRequest(request: ResponsesRequest, items: readonly InputItem[]): ChatTranslation {
  const names = new ToolNames()
  const tools = convertTools(request.tools, names)
  const messages: ChatCompletionMessageParam[] = []
  if (request.instructions) messages.push({ role: 'system', content: request.instructions })
  messages.push(...inputToMessages(items, names))
  if (!messages.some((m) => m.role !== 'system')) throw invalidRequest('The request has no input: send `input` as a string or a list of items.', 'input', 'missing_required_parameter')

  const body: ChatCompletionCreateParams = { model: request.model, messages }
  if (tools.length) {
    body.tools = tools
    const choice = convertToolChoice(request.tool_choice, names)
    if (choice !== undefined) body.tool_choice = choice
    if (request.parallel_tool_calls != null) body.parallel_tool_calls = request.parallel_tool_calls
  }
  const format = convertTextFormat(request.text)
  if (format) body.response_format = format
  const effort = effortOf(request.reasoning?.effort)
  if (effort) body.reasoning_effort = effort
  if (request.max_output_tokens != null) body.max_completion_tokens = request.max_output_tokens
  if (request.temperature != null) body.temperature = request.temperature
  if (request.top_p != null) body.top_p = request.top_p
  const user = request.safety_identifier ?? request.user
  if (user) body.user = user
  if (request.stream) return { body: { ...body, stream: true, stream_options: { include_usage: true } }, names }
  return { body, names }
}
