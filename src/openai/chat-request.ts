import { z } from 'zod'
import type { ChatCompletionCreateParams } from 'openai/resources'
import { invalidRequest } from '../errors.js'
import { isValidChatRequest } from './chat-request-check.js'

/**
 * The parts of a chat request the gateway itself relies on. Everything else passes through untouched to
 * the provider (loose objects), so a parameter OpenAI adds tomorrow still reaches OpenAI.
 */
const message = z.looseObject({
  role: z.enum(['system', 'developer', 'user', 'assistant', 'tool', 'function']),
  content: z.union([z.string(), z.array(z.looseObject({ type: z.string() })), z.null()]).optional(),
  name: z.string().optional(),
  tool_call_id: z.string().optional(),
  tool_calls: z.array(z.looseObject({
    id: z.string(),
    type: z.string(),
    function: z.looseObject({ name: z.string(), arguments: z.string() }).optional(),
  })).optional(),
})

export const chatRequestSchema = z.looseObject({
  model: z.string().min(1),
  messages: z.array(message).min(1),
  stream: z.boolean().nullish(),
  stream_options: z.looseObject({ include_usage: z.boolean().optional() }).nullish(),
  n: z.number().int().min(1).max(128).nullish(),
  temperature: z.number().min(0).max(2).nullish(),
  top_p: z.number().min(0).max(1).nullish(),
  max_tokens: z.number().int().min(1).nullish(),
  max_completion_tokens: z.number().int().min(1).nullish(),
  presence_penalty: z.number().min(-2).max(2).nullish(),
  frequency_penalty: z.number().min(-2).max(2).nullish(),
  seed: z.number().int().nullish(),
  stop: z.union([z.string(), z.array(z.string()).max(4), z.null()]).optional(),
  tools: z.array(z.looseObject({
    type: z.string(),
    function: z.looseObject({ name: z.string().min(1), description: z.string().optional(), parameters: z.record(z.string(), z.unknown()).optional() }).optional(),
  })).nullish(),
  tool_choice: z.union([z.enum(['none', 'auto', 'required']), z.looseObject({ type: z.string() })]).nullish(),
  response_format: z.looseObject({ type: z.enum(['text', 'json_object', 'json_schema']) }).nullish(),
  user: z.string().nullish(),
})

/** `messages[0].role` from zod's path. */
export function issuePath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((acc, part) => (typeof part === 'number' ? `${acc}[${part}]` : acc ? `${acc}.${String(part)}` : String(part)), '')
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let node = root
  for (const key of path) {
    if (node === null || typeof node !== 'object') return undefined
    node = (node as Record<PropertyKey, unknown>)[key]
  }
  return node
}

/**
 * Validates a parsed JSON body as a chat request, or throws the 400 naming the first bad field. The body
 * itself is what passes on (no copy): the hand-written check answers almost every call, and the schema
 * runs only to word an error.
 */
export function parseChatRequest(body: unknown): ChatCompletionCreateParams {
  if (isValidChatRequest(body)) return body as ChatCompletionCreateParams
  const result = chatRequestSchema.safeParse(body)
  if (!result.success) {
    const issue = result.error.issues[0]!
    const param = issuePath(issue.path)
    const missing = issue.code === 'invalid_type' && issue.path.length > 0 && valueAt(body, issue.path) === undefined
    if (missing) throw invalidRequest(`Missing required parameter: '${param}'.`, param, 'missing_required_parameter')
    throw invalidRequest(`Invalid value for '${param || 'body'}': ${issue.message}`, param || null, 'invalid_value')
  }
  return body as ChatCompletionCreateParams
}
