import type { UsageRow } from '../../metering/usage-recorder.js'
import type { RequestEnding } from '../access-log.js'
import type { AttemptSpan, RequestObservation } from '../request-observation.js'
import type { Attributes } from './span.js'

/** gen_ai.provider.name's well-known values for the provider kinds the gateway speaks; compatible servers go by their name. */
const GEN_AI_PROVIDER: Record<string, string> = { openai: 'openai', anthropic: 'anthropic', gemini: 'gcp.gemini', mistral: 'mistral_ai' }

export function genAiProviderName(providerType: string, providerName: string): string {
  return GEN_AI_PROVIDER[providerType] ?? providerName
}

function operationOf(surface: string): string | undefined {
  if (surface === 'embeddings') return 'embeddings'
  if (surface === 'chat' || surface === 'prompt' || surface === 'messages' || surface === 'responses' || surface === 'ws' || surface === 'job') return 'chat'
  return undefined
}

/** The SERVER span's attributes: HTTP semantic conventions, the call's GenAI totals, and the gateway's own ids. */
export function requestSpanAttributes(o: RequestObservation, ending: RequestEnding): Attributes {
  const answered = o.attempts.length > 0
  const principal = o.principal
  return {
    'http.request.method': o.method,
    'url.path': o.path,
    'http.response.status_code': ending.status,
    'error.type': ending.status >= 500 ? (ending.code || String(ending.status)) : undefined,
    'gen_ai.operation.name': answered ? operationOf(o.surface) : undefined,
    'gen_ai.request.model': o.route,
    'gen_ai.usage.input_tokens': answered ? o.inputTokens : undefined,
    'gen_ai.usage.output_tokens': answered ? o.outputTokens : undefined,
    'manifold.request_id': o.requestId,
    'manifold.surface': o.surface,
    'manifold.key_id': principal?.keyId ?? undefined,
    'manifold.error_code': ending.code || undefined,
    'manifold.attempts': o.attempts.length,
    'manifold.stream': ending.stream,
  }
}

/** The CLIENT span's attributes for one upstream attempt (GenAI semantic conventions, with the HTTP status). */
export function attemptSpanAttributes(span: AttemptSpan, row: UsageRow): Attributes {
  const provider = genAiProviderName(span.providerType, span.provider)
  const failed = row.outcome !== 'success'
  return {
    'gen_ai.operation.name': span.operation,
    'gen_ai.provider.name': provider,
    'gen_ai.system': provider,
    'gen_ai.request.model': span.upstreamModel,
    'gen_ai.response.model': span.responseModel,
    'gen_ai.response.id': span.responseId,
    'gen_ai.response.finish_reasons': span.finishReasons.size > 0 ? [...span.finishReasons] : undefined,
    'gen_ai.usage.input_tokens': row.promptTokens ?? 0,
    'gen_ai.usage.output_tokens': row.completionTokens ?? 0,
    'http.response.status_code': row.status > 0 ? row.status : undefined,
    'error.type': failed ? (row.errorType ?? row.outcome) : undefined,
    'manifold.target': span.target,
    'manifold.attempt': row.attempt ?? 1,
    'manifold.outcome': row.outcome,
  }
}
