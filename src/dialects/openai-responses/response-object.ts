import type { CompletionUsage } from 'openai/resources'
import { generateId } from '../../security/keys.js'
import type { ResponsesRequest } from './request.js'

export interface OutputTextPart { type: 'output_text'; text: string; annotations: unknown[]; logprobs: unknown[] }
export interface RefusalPart { type: 'refusal'; refusal: string }

export interface MessageItem {
  id: string
  type: 'message'
  status: 'in_progress' | 'completed' | 'incomplete'
  role: 'assistant'
  content: Array<OutputTextPart | RefusalPart>
}

export interface FunctionCallItem {
  id: string
  type: 'function_call'
  status: 'in_progress' | 'completed' | 'incomplete'
  call_id: string
  name: string
  namespace?: string
  arguments: string
}

export interface CustomToolCallItem {
  id: string
  type: 'custom_tool_call'
  status: 'in_progress' | 'completed' | 'incomplete'
  call_id: string
  name: string
  namespace?: string
  input: string
}

export interface ReasoningItem {
  id: string
  type: 'reasoning'
  summary: Array<{ type: 'summary_text'; text: string }>
}

export type OutputItem = MessageItem | FunctionCallItem | CustomToolCallItem | ReasoningItem

export interface ResponseUsage {
  input_tokens: number
  input_tokens_details: { cached_tokens: number }
  output_tokens: number
  output_tokens_details: { reasoning_tokens: number }
  total_tokens: number
}

export type ResponseStatus = 'in_progress' | 'completed' | 'incomplete' | 'failed'

/** A Response as OpenAI's API returns it: the request's settings echoed, the output, the usage. */
export interface ResponseObject {
  id: string
  object: 'response'
  created_at: number
  status: ResponseStatus
  background: boolean
  error: { code: string; message: string } | null
  incomplete_details: { reason: 'max_output_tokens' | 'content_filter' } | null
  instructions: string | null
  max_output_tokens: number | null
  model: string
  output: OutputItem[]
  parallel_tool_calls: boolean
  previous_response_id: string | null
  reasoning: { effort: string | null; summary: string | null }
  store: boolean
  temperature: number | null
  text: { format: Record<string, unknown> }
  tool_choice: unknown
  tools: unknown[]
  top_p: number | null
  truncation: 'disabled'
  usage: ResponseUsage | null
  user: string | null
  metadata: Record<string, string>
}

export const newItemId = (prefix: 'msg' | 'fc' | 'ctc' | 'rs') => generateId(prefix)

/** The Response before any output: what `response.created` carries, and what every later state builds on. */
export function responseShell(request: ResponsesRequest, id: string, createdAtMs: number, model: string): ResponseObject {
  return {
    id,
    object: 'response',
    created_at: Math.floor(createdAtMs / 1000),
    status: 'in_progress',
    background: false,
    error: null,
    incomplete_details: null,
    instructions: request.instructions ?? null,
    max_output_tokens: request.max_output_tokens ?? null,
    model,
    output: [],
    parallel_tool_calls: request.parallel_tool_calls ?? true,
    previous_response_id: request.previous_response_id ?? null,
    reasoning: { effort: request.reasoning?.effort ?? null, summary: request.reasoning?.summary ?? null },
    store: request.store ?? true,
    temperature: request.temperature ?? null,
    text: { format: (request.text?.format as Record<string, unknown> | null | undefined) ?? { type: 'text' } },
    tool_choice: request.tool_choice ?? 'auto',
    tools: request.tools ?? [],
    top_p: request.top_p ?? null,
    truncation: 'disabled',
    usage: null,
    user: request.user ?? null,
    metadata: request.metadata ?? {},
  }
}

/** Chat usage → Responses usage (input/output names, cached and reasoning details). */
export function responseUsage(usage: CompletionUsage | null | undefined): ResponseUsage | null {
  if (!usage) return null
  return {
    input_tokens: usage.prompt_tokens,
    input_tokens_details: { cached_tokens: usage.prompt_tokens_details?.cached_tokens ?? 0 },
    output_tokens: usage.completion_tokens,
    output_tokens_details: { reasoning_tokens: usage.completion_tokens_details?.reasoning_tokens ?? 0 },
    total_tokens: usage.total_tokens,
  }
}

/** How a chat finish reason ends a Response. */
export function endingOf(finishReason: string | null | undefined): Pick<ResponseObject, 'status' | 'incomplete_details'> {
  if (finishReason === 'length') return { status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' } }
  if (finishReason === 'content_filter') return { status: 'incomplete', incomplete_details: { reason: 'content_filter' } }
  return { status: 'completed', incomplete_details: null }
}
