import { ProviderError } from '../providers/types.js'

export interface OpenAIErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null }
}

export interface GatewayErrorOptions {
  type?: string
  code?: string | null
  param?: string | null
  headers?: Record<string, string>
}

/** The one error type of the gateway: it carries its HTTP status and OpenAI's error body. */
export class GatewayError extends Error {
  override readonly name = 'GatewayError'
  readonly status: number
  readonly type: string
  readonly code: string | null
  readonly param: string | null
  readonly headers: Record<string, string>

  constructor(status: number, message: string, options: GatewayErrorOptions = {}) {
    super(message)
    this.status = status
    this.type = options.type ?? defaultType(status)
    this.code = options.code ?? null
    this.param = options.param ?? null
    this.headers = options.headers ?? {}
  }

  toJSON(): OpenAIErrorBody {
    return { error: { message: this.message, type: this.type, param: this.param, code: this.code } }
  }
}

function defaultType(status: number): string {
  if (status === 401) return 'authentication_error'
  if (status === 403) return 'permission_error'
  if (status === 404) return 'invalid_request_error'
  if (status === 429) return 'rate_limit_error'
  if (status >= 500) return 'server_error'
  return 'invalid_request_error'
}

export const invalidRequest = (message: string, param: string | null = null, code: string | null = null) =>
  new GatewayError(400, message, { type: 'invalid_request_error', param, code })

export const modelNotFound = (model: string) =>
  new GatewayError(404, `The model \`${model}\` does not exist or you do not have access to it.`, {
    type: 'invalid_request_error', code: 'model_not_found', param: 'model',
  })

/** A provider Manifold knows but this deployment has no key for: the caller learns which variable is missing. */
export const providerNotEnabled = (provider: string, variable: string) =>
  new GatewayError(400, `The provider \`${provider}\` is not enabled on this gateway; the operator enables it by setting ${variable}.`, {
    type: 'invalid_request_error', code: 'provider_not_enabled', param: 'model',
  })

/** Maps a provider failure onto the client-facing error; 429 keeps its Retry-After. */
export function fromProviderError(err: ProviderError): GatewayError {
  const headers: Record<string, string> = {}
  if (err.retryAfterMs !== undefined) headers['retry-after'] = String(Math.max(1, Math.ceil(err.retryAfterMs / 1000)))
  const status = err.status === 499 ? 499 : err.status >= 400 && err.status <= 599 ? err.status : 502
  const type = err.code === 'rate_limit_exceeded' ? 'rate_limit_error'
    : err.code === 'authentication_error' || err.code === 'permission_denied' ? 'upstream_auth_error'
    : status >= 500 ? 'upstream_error' : 'invalid_request_error'
  // An upstream 401/403 is the gateway's credential problem, not the caller's: say so with a 502.
  const clientStatus = err.code === 'authentication_error' || err.code === 'permission_denied' ? 502 : status
  return new GatewayError(clientStatus, err.message, { type, code: err.code, param: err.param, headers })
}

export function toGatewayError(err: unknown): GatewayError {
  if (err instanceof GatewayError) return err
  if (err instanceof ProviderError) return fromProviderError(err)
  return new GatewayError(500, 'The gateway failed to handle the request.', { type: 'server_error', code: 'internal_error' })
}
