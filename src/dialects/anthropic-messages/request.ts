import { z } from 'zod'
import { issuePath } from '../../openai/chat-request.js'
import { invalidRequest } from '../../errors.js'

/**
 * The parts of an Anthropic Messages request the gateway reads. Objects stay loose: the native path sends
 * the body on unchanged, so a field Anthropic adds tomorrow still reaches Anthropic; the translation reads
 * only what it knows and says which fields it drops.
 */
const block = z.looseObject({ type: z.string() })

const message = z.looseObject({
  role: z.enum(['user', 'assistant']),
  content: z.union([z.string(), z.array(block)]),
})

const tool = z.looseObject({
  name: z.string().min(1),
  type: z.string().nullish(),
  description: z.string().optional(),
  input_schema: z.record(z.string(), z.unknown()).optional(),
})

const toolChoice = z.looseObject({
  type: z.enum(['auto', 'any', 'tool', 'none']),
  name: z.string().optional(),
  disable_parallel_tool_use: z.boolean().optional(),
})

const thinking = z.looseObject({
  type: z.enum(['enabled', 'disabled', 'adaptive']),
  budget_tokens: z.number().int().optional(),
})

export const messagesRequestSchema = z.looseObject({
  model: z.string().min(1),
  max_tokens: z.number().int().min(1),
  messages: z.array(message),
  system: z.union([z.string(), z.array(block)]).optional(),
  stream: z.boolean().optional(),
  stop_sequences: z.array(z.string()).optional(),
  temperature: z.number().min(0).max(1).optional(),
  top_p: z.number().min(0).max(1).optional(),
  top_k: z.number().int().min(0).optional(),
  tools: z.array(tool).optional(),
  tool_choice: toolChoice.optional(),
  thinking: thinking.optional(),
  metadata: z.looseObject({ user_id: z.string().nullish() }).optional(),
  output_config: z.looseObject({
    effort: z.string().optional(),
    format: z.looseObject({ type: z.string(), schema: z.record(z.string(), z.unknown()).optional() }).nullish(),
  }).optional(),
})

export type MessagesRequest = z.infer<typeof messagesRequestSchema>
export type ContentBlockParam = z.infer<typeof block>
export type MessageParam = z.infer<typeof message>
export type ToolParam = z.infer<typeof tool>

/** The count_tokens body: a Messages request without max_tokens. */
export const countTokensRequestSchema = messagesRequestSchema.omit({ max_tokens: true, stream: true })
export type CountTokensRequest = z.infer<typeof countTokensRequestSchema>

/** Validates a parsed JSON body, or throws the 400 invalid_request_error naming the first bad field. */
export function parseWith<T>(schema: z.ZodType<T>, body: unknown): T {
  const result = schema.safeParse(body)
  if (result.success) return result.data
  const issue = result.error.issues[0]!
  const path = issuePath(issue.path)
  throw invalidRequest(`${path || 'body'}: ${issue.message}`, path || null)
}
