import type { ChatCompletionCreateParams } from 'openai/resources'
import type { Principal } from '../app-env.js'
import { GatewayError } from '../errors.js'
import { matchesAny } from '../security/glob.js'
import type { ResolvedRoute } from './resolve.js'

export interface AdmissionRequest {
  principal: Principal
  /** The `model` as the caller wrote it (a model, alias or route name). */
  requested: string
  route: ResolvedRoute
  body: ChatCompletionCreateParams
  prompt?: { name: string; version: string }
  /** The call's request id: the usage rows of its attempts settle its token reservation. */
  requestId?: string
}

/** A call let through: headers for the response (rate limits), and the end of the call to report. */
export interface AdmissionTicket {
  headers: Record<string, string>
  /** Called exactly once when the call has ended (parallel-call slots, token reservations). */
  release(): void
}

/** Decides before each call whether the key may make it: scopes, budgets, rate limits. */
export interface Admission {
  admit(request: AdmissionRequest): Promise<AdmissionTicket>
}

/** A key limited to some models may call a name when the name, or every target behind it, matches its patterns. */
export function assertModelAllowed(principal: Principal, requested: string, route: ResolvedRoute): void {
  if (principal.kind === 'admin') return
  const patterns = principal.key.models
  if (!patterns) return
  if (matchesAny(patterns, requested) || matchesAny(patterns, route.name)) return
  if (route.targets.every((t) => matchesAny(patterns, t.model))) return
  throw new GatewayError(403, `This API key is not allowed to use the model \`${requested}\`.`, {
    type: 'permission_error', code: 'model_not_allowed', param: 'model',
  })
}

/** A key limited to some prompt APIs may call only those (a call outside a prompt API is not restricted here). */
export function assertPromptAllowed(principal: Principal, prompt: AdmissionRequest['prompt']): void {
  if (principal.kind === 'admin' || !prompt) return
  const patterns = principal.key.prompts
  if (!patterns || matchesAny(patterns, prompt.name)) return
  throw new GatewayError(403, `This API key is not allowed to use the prompt API \`${prompt.name}\`.`, {
    type: 'permission_error', code: 'prompt_not_allowed', param: null,
  })
}
