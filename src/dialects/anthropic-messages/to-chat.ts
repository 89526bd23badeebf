import type { ChatCompletionCreateParams, ChatCompletionTool, ChatCompletionToolChoiceOption } from 'openai/resources'
import { invalidRequest } from '../../errors.js'
import type { MessagesRequest, ToolParam } from './request.js'
import { toChatMessages } from './to-chat-messages.js'

type ReasoningEffort = NonNullable<ChatCompletionCreateParams['reasoning_effort']>

export interface ToChatOptions {
  /** The smallest output limit among the route's targets (price table), when one is known. */
  maxOutputTokens?: number
  /** Whether the route's models take a reasoning setting; thinking is dropped for those that do not. */
  reasoning?: boolean
}

/** A thinking budget → the closest reasoning effort (the budgets Gemini's own OpenAI endpoint uses per effort). */
export function effortForBudget(budget: number): ReasoningEffort {
  if (budget <= 1024) return 'low'
  if (budget <= 8192) return 'medium'
  return 'high'
}

function reasoningEffort(request: MessagesRequest): ReasoningEffort | undefined {
  const effort = request.output_config?.effort
  if (effort === 'low' || effort === 'medium' || effort === 'high') return effort
  if (effort === 'xhigh' || effort === 'max') return 'high'
  const thinking = request.thinking
  if (!thinking || thinking.type === 'disabled') return undefined
  if (thinking.type === 'adaptive') return 'medium'
  return effortForBudget(thinking.budget_tokens ?? 8192)
}

/** Client tools (no type, or `custom`) become function tools; Anthropic's own tools exist only there. */
function toChatTool(tool: ToolParam, i: number): ChatCompletionTool {
  if ((tool.type != null && tool.type !== 'custom') || tool.input_schema === undefined) {
    throw invalidRequest(`tools[${i}]: the Anthropic tool "${tool.type ?? tool.name}" runs only on Anthropic; route the call to an Anthropic model to use it.`, `tools[${i}]`)
  }
  return {
    type: 'function',
    function: { name: tool.name, ...(tool.description !== undefined && { description: tool.description }), parameters: tool.input_schema },
  }
}

function toChatToolChoice(choice: NonNullable<MessagesRequest['tool_choice']>): ChatCompletionToolChoiceOption {
  switch (choice.type) {
    case 'auto': return 'auto'
    case 'any': return 'required'
    case 'none': return 'none'
    case 'tool':
      if (!choice.name) throw invalidRequest('tool_choice.name: required when tool_choice.type is "tool"', 'tool_choice.name')
      return { type: 'function', function: { name: choice.name } }
  }
}

/**
 * An Anthropic Messages request → the canonical OpenAI chat body every backend takes. Dropped on purpose:
 * cache_control, context_management, metadata (Claude Code's user_id is a JSON blob that OpenAI's `user`
 * would refuse), top_k (no chat equivalent), container, mcp_servers, service_tier, and thinking for a model
 * that does not reason. max_tokens is clamped to
 * the backend's output limit, because Claude Code asks for 32000 even of a small model.
 */
export function toChatRequest(request: MessagesRequest, options: ToChatOptions = {}): ChatCompletionCreateParams {
  const limit = options.maxOutputTokens
  const body: ChatCompletionCreateParams = {
    model: request.model,
    messages: toChatMessages(request),
    max_completion_tokens: limit !== undefined ? Math.min(request.max_tokens, limit) : request.max_tokens,
  }
  if (request.stream) Object.assign(body, { stream: true, stream_options: { include_usage: true } })
  if (request.temperature !== undefined) body.temperature = request.temperature
  if (request.top_p !== undefined) body.top_p = request.top_p
  if (request.stop_sequences && request.stop_sequences.length > 0) body.stop = request.stop_sequences
  const tools = request.tools ?? []
  if (tools.length > 0) {
    body.tools = tools.map(toChatTool)
    if (request.tool_choice) {
      body.tool_choice = toChatToolChoice(request.tool_choice)
      if (request.tool_choice.disable_parallel_tool_use === true) body.parallel_tool_calls = false
    }
  }
  const effort = options.reasoning === false ? undefined : reasoningEffort(request)
  if (effort) body.reasoning_effort = effort
  const format = request.output_config?.format
  if (format?.type === 'json_schema' && format.schema) {
    body.response_format = { type: 'json_schema', json_schema: { name: 'output', schema: format.schema } }
  }
  return body
}
