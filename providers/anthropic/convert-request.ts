import type { MessageCreateParamsBase, OutputConfig, Tool, ToolChoice } from '@anthropic-ai/sdk/resources/messages'
import { transformJSONSchema } from '@anthropic-ai/sdk/lib/transform-json-schema'
import type { ChatCompletionTool, ChatCompletionToolChoiceOption } from 'openai/resources'
import type { ChatRequest } from '../types.js'
import { convertMessages, requestError } from './convert-messages.js'

export interface RequestOptions {
  provider: string
  /** Drop parameters Anthropic cannot honour instead of answering 400 (`drop_unsupported_params`). */
  dropUnsupportedParams: boolean
  /** The model's output limit (from the price table), used when the caller sets no max_tokens. */
  maxOutputTokens?: (model: string) => number | undefined
  /** Told each parameter dropped instead of refused. */
  onDropped?: (param: string) => void
}

/** The Anthropic request plus what the response translation must know about how it was built. */
export interface ConvertedRequest {
  body: MessageCreateParamsBase
  /** Set when response_format json_object was turned into this forced tool: its input is the answer text. */
  jsonToolName?: string
}

/** Used when neither the caller nor the price table gives a limit; a price override can set one per model. */
export const FALLBACK_MAX_TOKENS = 4096

/** The tool that stands in for response_format json_object: Anthropic has no schema-less JSON mode. */
export const JSON_TOOL_NAME = 'json'

const jsonObjectTool: Tool = {
  name: JSON_TOOL_NAME,
  description: 'Respond with a JSON object.',
  input_schema: { type: 'object' },
}

const effortLevels = new Set<string>(['low', 'medium', 'high', 'xhigh', 'max'])

/**
 * Parameters of an OpenAI request that Anthropic cannot honour, with why. Sampling parameters are among
 * them: API version 2026-10-21 (the one @anthropic-ai/sdk v1 speaks) rejects temperature, top_p and top_k.
 */
function unsupportedParams(req: ChatRequest): Array<{ param: keyof ChatRequest; why: string }> {
  const found: Array<{ param: keyof ChatRequest; why: string }> = []
  const sampling = 'Anthropic API version 2026-10-21 removed sampling parameters'
  if (req.temperature != null) found.push({ param: 'temperature', why: sampling })
  if (req.top_p != null) found.push({ param: 'top_p', why: sampling })
  if (req.seed != null) found.push({ param: 'seed', why: 'Anthropic has no seed' })
  if (req.presence_penalty != null) found.push({ param: 'presence_penalty', why: 'Anthropic has no presence penalty' })
  if (req.frequency_penalty != null) found.push({ param: 'frequency_penalty', why: 'Anthropic has no frequency penalty' })
  if (req.n != null && req.n !== 1) found.push({ param: 'n', why: 'Anthropic returns one choice per call' })
  if (req.logprobs) found.push({ param: 'logprobs', why: 'Anthropic returns no log probabilities' })
  if (req.top_logprobs != null) found.push({ param: 'top_logprobs', why: 'Anthropic returns no log probabilities' })
  if (req.logit_bias != null && Object.keys(req.logit_bias).length > 0) found.push({ param: 'logit_bias', why: 'Anthropic has no logit bias' })
  if (req.audio != null || req.modalities?.includes('audio')) found.push({ param: 'audio', why: 'Anthropic does not produce audio' })
  if (req.prediction != null) found.push({ param: 'prediction', why: 'Anthropic has no predicted outputs' })
  if (req.web_search_options != null) found.push({ param: 'web_search_options', why: 'use Anthropic server tools directly' })
  if (req.reasoning_effort != null && !effortLevels.has(req.reasoning_effort)) {
    found.push({ param: 'reasoning_effort', why: 'Anthropic effort is low, medium, high, xhigh or max' })
  }
  if (req.response_format?.type === 'json_object' && req.tools?.length) {
    found.push({ param: 'response_format', why: 'json_object cannot be combined with tools on Anthropic; use json_schema' })
  }
  return found
}

function convertTools(provider: string, tools: ChatCompletionTool[]): Tool[] {
  return tools.map((tool, i): Tool => {
    if (tool.type !== 'function') {
      throw requestError(provider, 'only function tools are supported', `tools[${i}]`, 'unsupported_parameter')
    }
    const fn = tool.function
    const parameters = (fn.parameters ?? { type: 'object', properties: {} }) as Tool.InputSchema
    return {
      name: fn.name,
      ...(fn.description !== undefined && { description: fn.description }),
      input_schema: parameters,
      ...(fn.strict != null && { strict: fn.strict }),
    }
  })
}

function convertToolChoice(provider: string, choice: ChatCompletionToolChoiceOption | undefined, disableParallel: boolean): ToolChoice | undefined {
  const parallel = disableParallel ? { disable_parallel_tool_use: true } : {}
  if (choice === undefined) return disableParallel ? { type: 'auto', ...parallel } : undefined
  if (choice === 'auto') return { type: 'auto', ...parallel }
  if (choice === 'none') return { type: 'none' }
  if (choice === 'required') return { type: 'any', ...parallel }
  if (choice.type === 'function') return { type: 'tool', name: choice.function.name, ...parallel }
  throw requestError(provider, `tool_choice of type "${choice.type}" is not supported`, 'tool_choice', 'unsupported_parameter')
}

/** Anthropic's structured output wants closed objects and its own keyword subset; its SDK knows the rules. */
function outputSchema(schema: Record<string, unknown>): Record<string, unknown> {
  try {
    return transformJSONSchema(schema)
  } catch {
    // A schema the transform cannot read (no `type`) goes as given; Anthropic's answer will say what is wrong.
    return schema
  }
}

/**
 * OpenAI chat request → Anthropic Messages request. response_format json_schema uses Anthropic's structured
 * output (`output_config.format`), whose answer is the text itself; json_object, which has no schema, becomes
 * a forced `json` tool whose input the response translation turns back into the message text.
 */
export function convertRequest(req: ChatRequest, options: RequestOptions): ConvertedRequest {
  const { provider } = options
  const unsupported = unsupportedParams(req)
  if (unsupported.length > 0 && !options.dropUnsupportedParams) {
    const { param, why } = unsupported[0]!
    throw requestError(provider, `${param} is not supported by ${provider} (${why}); set drop_unsupported_params to drop it`, param, 'unsupported_parameter')
  }
  const dropped = new Set(unsupported.map((u) => u.param))
  for (const param of dropped) options.onDropped?.(param)

  const { system, messages } = convertMessages(provider, req.messages)
  const maxTokens = req.max_completion_tokens ?? req.max_tokens ?? options.maxOutputTokens?.(req.model) ?? FALLBACK_MAX_TOKENS
  const body: MessageCreateParamsBase = { model: req.model, max_tokens: maxTokens, messages }
  if (system !== undefined) body.system = system

  const stop = typeof req.stop === 'string' ? [req.stop] : req.stop
  if (stop && stop.length > 0) body.stop_sequences = stop

  const userId = req.safety_identifier ?? req.user
  if (userId) body.metadata = { user_id: userId }

  const outputConfig: OutputConfig = {}
  if (req.reasoning_effort != null && !dropped.has('reasoning_effort')) outputConfig.effort = req.reasoning_effort as OutputConfig['effort']

  let jsonToolName: string | undefined
  const format = req.response_format
  if (format?.type === 'json_schema') {
    outputConfig.format = { type: 'json_schema', schema: outputSchema(format.json_schema.schema ?? { type: 'object' }) }
  } else if (format?.type === 'json_object' && !dropped.has('response_format')) {
    body.tools = [jsonObjectTool]
    body.tool_choice = { type: 'tool', name: JSON_TOOL_NAME }
    jsonToolName = JSON_TOOL_NAME
  }
  if (Object.keys(outputConfig).length > 0) body.output_config = outputConfig

  if (req.tools && req.tools.length > 0) {
    body.tools = convertTools(provider, req.tools)
    const choice = convertToolChoice(provider, req.tool_choice, req.parallel_tool_calls === false)
    if (choice) body.tool_choice = choice
  }

  return { body, ...(jsonToolName !== undefined && { jsonToolName }) }
}
