import {
  FunctionCallingConfigMode,
  ThinkingLevel,
  type FunctionDeclaration,
  type GenerateContentConfig,
  type GenerateContentParameters,
  type ThinkingConfig,
  type ToolConfig,
} from '@google/genai'
import type { ChatCompletionToolChoiceOption } from 'openai/resources'
import { ProviderError, type ChatRequest } from '../types.js'
import { convertMessages } from './convert-messages.js'
import { toGeminiParameters, toGeminiSchema } from './convert-schema.js'

/** The SDK's config plus its switch for multi-request "automatic continuation", which the gateway keeps off. */
export type GeminiConfig = GenerateContentConfig & { automaticContinuation?: boolean }
export type GeminiParams = GenerateContentParameters & { config: GeminiConfig }

export interface GeminiRequestOptions {
  provider: string
  /** Drop parameters Gemini cannot honour instead of answering 400 (the config's drop_unsupported_params). */
  dropUnsupportedParams: boolean
  /** Told each parameter dropped instead of refused. */
  onDropped?: (param: string) => void
}

/** Reasoning effort → Gemini 2.x thinking budgets (the values Google's own OpenAI endpoint uses). */
const THINKING_BUDGETS: Record<string, number> = { none: 0, minimal: 512, low: 1024, medium: 8192, high: 24576, xhigh: 32768, max: 32768 }
const THINKING_LEVELS: Record<string, ThinkingLevel> = {
  minimal: ThinkingLevel.MINIMAL, low: ThinkingLevel.LOW, medium: ThinkingLevel.MEDIUM, high: ThinkingLevel.HIGH,
  xhigh: ThinkingLevel.HIGH, max: ThinkingLevel.HIGH,
}

function unsupportedError(provider: string, param: string, why: string): ProviderError {
  return new ProviderError({
    provider, status: 400, code: 'unsupported_parameter', param, retryable: false,
    message: `${provider} does not support '${param}'${why ? ` (${why})` : ''}; remove it or set drop_unsupported_params for this provider`,
  })
}

function convertToolChoice(choice: ChatCompletionToolChoiceOption, fail: (param: string, why: string) => void): ToolConfig | undefined {
  if (choice === 'auto') return { functionCallingConfig: { mode: FunctionCallingConfigMode.AUTO } }
  if (choice === 'none') return { functionCallingConfig: { mode: FunctionCallingConfigMode.NONE } }
  if (choice === 'required') return { functionCallingConfig: { mode: FunctionCallingConfigMode.ANY } }
  if (choice.type === 'function') {
    return { functionCallingConfig: { mode: FunctionCallingConfigMode.ANY, allowedFunctionNames: [choice.function.name] } }
  }
  if (choice.type === 'allowed_tools') {
    const names = choice.allowed_tools.tools
      .map((t) => (t as { function?: { name?: unknown } }).function?.name)
      .filter((n): n is string => typeof n === 'string')
    // Gemini restricts names only while forcing a call (ANY); VALIDATED is its "may call, only these".
    const mode = choice.allowed_tools.mode === 'required' ? FunctionCallingConfigMode.ANY : FunctionCallingConfigMode.VALIDATED
    return { functionCallingConfig: { mode, allowedFunctionNames: names } }
  }
  fail('tool_choice', 'only auto, none, required and function choices')
  return undefined
}

/**
 * One OpenAI chat request as the parameters of `models.generateContent` / `generateContentStream`.
 * Fields that change nothing Gemini generates are accepted and not sent: `user` (Gemini has no end-user
 * field), metadata, store, prompt_cache_key, safety_identifier, service_tier (OpenAI-side bookkeeping),
 * stream and stream_options (the adapter's own business).
 */
export function toGeminiRequest(req: ChatRequest, options: GeminiRequestOptions): GeminiParams {
  const { provider, dropUnsupportedParams } = options
  const fail = (param: string, why = ''): void => {
    if (!dropUnsupportedParams) throw unsupportedError(provider, param, why)
    options.onDropped?.(param)
  }

  const { systemInstruction, contents } = convertMessages(req.messages, provider)
  const config: GeminiConfig = { automaticContinuation: false }
  if (systemInstruction) config.systemInstruction = systemInstruction

  if (req.temperature != null) config.temperature = req.temperature
  if (req.top_p != null) config.topP = req.top_p
  const maxTokens = req.max_completion_tokens ?? req.max_tokens
  if (maxTokens != null) config.maxOutputTokens = maxTokens
  if (req.stop != null) config.stopSequences = typeof req.stop === 'string' ? [req.stop] : req.stop
  if (req.seed != null) config.seed = req.seed
  if (req.presence_penalty != null) config.presencePenalty = req.presence_penalty
  if (req.frequency_penalty != null) config.frequencyPenalty = req.frequency_penalty
  if (req.n != null && req.n !== 1) config.candidateCount = req.n

  const format = req.response_format
  if (format?.type === 'json_object') config.responseMimeType = 'application/json'
  else if (format?.type === 'json_schema') {
    config.responseMimeType = 'application/json'
    config.responseSchema = toGeminiSchema(format.json_schema.schema ?? {})
  } else if (format && format.type !== 'text') fail('response_format', `type ${(format as { type: string }).type}`)

  if (req.tools?.length) {
    const declarations: FunctionDeclaration[] = []
    for (const tool of req.tools) {
      if (tool.type !== 'function') {
        fail('tools', `${tool.type} tools`)
        continue
      }
      const declaration: FunctionDeclaration = { name: tool.function.name }
      if (tool.function.description) declaration.description = tool.function.description
      const parameters = toGeminiParameters(tool.function.parameters)
      if (parameters) declaration.parameters = parameters
      declarations.push(declaration)
    }
    if (declarations.length > 0) config.tools = [{ functionDeclarations: declarations }]
  }
  if (req.tool_choice != null) {
    const toolConfig = convertToolChoice(req.tool_choice, fail)
    if (toolConfig) config.toolConfig = toolConfig
  }
  // Gemini may always answer with several calls at once: only "false" asks for something it cannot do.
  if (req.parallel_tool_calls === false) fail('parallel_tool_calls', 'Gemini cannot be limited to one call per turn')

  if (req.reasoning_effort != null) {
    const effort = req.reasoning_effort
    // Gemini 3 takes a thinking level; 2.x a token budget.
    const thinking: ThinkingConfig = /gemini-[3-9]/.test(req.model)
      ? effort === 'none' ? { thinkingLevel: ThinkingLevel.MINIMAL } : { thinkingLevel: THINKING_LEVELS[effort] ?? ThinkingLevel.HIGH, includeThoughts: true }
      : { thinkingBudget: THINKING_BUDGETS[effort] ?? 8192, ...(effort === 'none' ? {} : { includeThoughts: true }) }
    config.thinkingConfig = thinking
  }

  if (req.logprobs === true) fail('logprobs')
  if (req.top_logprobs != null) fail('top_logprobs')
  if (req.logit_bias != null && Object.keys(req.logit_bias).length > 0) fail('logit_bias')
  if (req.modalities != null && req.modalities.some((m) => m !== 'text')) fail('modalities', 'text output only')
  if (req.audio != null) fail('audio')
  if (req.prediction != null) fail('prediction')
  if (req.web_search_options != null) fail('web_search_options')
  if (req.verbosity != null) fail('verbosity')
  if (req.functions != null) fail('functions', 'use tools')
  if (req.function_call != null) fail('function_call', 'use tool_choice')

  return { model: req.model, contents, config }
}
