import { z } from 'zod'
import { invalidRequest } from '../../errors.js'
import { issuePath } from '../../openai/chat-request.js'

/**
 * The parts of a Responses request the gateway reads. Objects are loose: the native path sends the body
 * to OpenAI as the client wrote it, so a field OpenAI adds tomorrow still reaches OpenAI.
 */
const inputItem = z.looseObject({ type: z.string().optional(), role: z.string().optional() })

const tool = z.looseObject({ type: z.string(), name: z.string().optional() })

export const responsesRequestSchema = z.looseObject({
  model: z.string().min(1),
  input: z.union([z.string(), z.array(inputItem)]).optional(),
  instructions: z.string().nullish(),
  stream: z.boolean().nullish(),
  store: z.boolean().nullish(),
  background: z.boolean().nullish(),
  previous_response_id: z.string().min(1).nullish(),
  tools: z.array(tool).nullish(),
  tool_choice: z.union([z.enum(['none', 'auto', 'required']), z.looseObject({ type: z.string() })]).nullish(),
  parallel_tool_calls: z.boolean().nullish(),
  text: z.looseObject({
    format: z.looseObject({ type: z.enum(['text', 'json_object', 'json_schema']) }).nullish(),
  }).nullish(),
  reasoning: z.looseObject({ effort: z.string().nullish(), summary: z.string().nullish() }).nullish(),
  max_output_tokens: z.number().int().min(1).nullish(),
  temperature: z.number().min(0).max(2).nullish(),
  top_p: z.number().min(0).max(1).nullish(),
  user: z.string().nullish(),
  safety_identifier: z.string().nullish(),
  metadata: z.record(z.string(), z.string()).nullish(),
})

export type ResponsesRequest = z.infer<typeof responsesRequestSchema>

/** One input item as the client sent it (validated only as far as `type` and `role`). */
export type InputItem = Record<string, unknown> & { type?: string; role?: string }

/** Validates a parsed JSON body as a Responses request, or throws the 400 naming the first bad field. */
export function parseResponsesRequest(body: unknown): ResponsesRequest {
  const result = responsesRequestSchema.safeParse(body)
  if (!result.success) {
    const issue = result.error.issues[0]!
    const param = issuePath(issue.path)
    throw invalidRequest(`Invalid value for '${param || 'body'}': ${issue.message}`, param || null, 'invalid_value')
  }
  if (result.data.background) {
    throw invalidRequest('background mode is not supported by this gateway: send Prefer: respond-async for a job instead.', 'background', 'unsupported_parameter')
  }
  return result.data
}

/** The request's input as a list of items: a string is one user message. */
export function inputItems(request: ResponsesRequest): InputItem[] {
  if (request.input === undefined) return []
  if (typeof request.input === 'string') return [{ type: 'message', role: 'user', content: request.input }]
  return request.input as InputItem[]
}
