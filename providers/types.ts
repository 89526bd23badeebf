import type {
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionCreateParams,
  CreateEmbeddingResponse,
  EmbeddingCreateParams,
} from 'openai/resources'

export type { ChatCompletion, ChatCompletionChunk, CreateEmbeddingResponse }

/** An OpenAI chat request whose `model` is the upstream's own model name (no `provider/` prefix). */
export type ChatRequest = ChatCompletionCreateParams & { model: string }
export type EmbeddingRequest = EmbeddingCreateParams & { model: string }

export type FetchFn = typeof fetch

export interface CallContext {
  signal: AbortSignal
  apiKey: string
  baseURL?: string
  fetch: FetchFn
  /** This call's drop_unsupported_params (the x-manifold-drop-unsupported-params header); else the provider's own. */
  dropUnsupportedParams?: boolean
  /** Told each parameter dropped instead of refused, for the x-manifold-dropped-params header. */
  onDroppedParam?: (param: string) => void
  /** Extra request headers for this one call (the trace context: `traceparent`). */
  headers?: Record<string, string>
}

export interface Provider {
  id: string
  /** The provider kind (openai, anthropic, mistral, gemini, openai-compatible). */
  type: string
  chat(req: ChatRequest, ctx: CallContext): Promise<ChatCompletion>
  /**
   * Resolves once the upstream has accepted the call (status known, first event read), so that a failure
   * before any output rejects and can be retried or fall back; later failures end the iteration by throwing.
   */
  chatStream(req: ChatRequest, ctx: CallContext): Promise<AsyncIterable<ChatCompletionChunk>>
  embed?(req: EmbeddingRequest, ctx: CallContext): Promise<CreateEmbeddingResponse>
  /** Models this provider can list; static where the upstream cannot. */
  listModels?(ctx: CallContext): Promise<string[]>
  /**
   * Resolves once the provider can call without loading anything (its SDK imported). Callers await it
   * before starting an attempt's timers, so load time never counts against a timeout.
   */
  ready?(): Promise<void>
}

export type ProviderErrorCode =
  | 'rate_limit_exceeded'
  | 'invalid_request_error'
  | 'authentication_error'
  | 'permission_denied'
  | 'model_not_found'
  | 'context_length_exceeded'
  | 'content_filter'
  | 'upstream_error'
  | 'timeout'
  | 'connection_error'
  | 'unsupported_parameter'
  | 'aborted'
  | 'upstream_response_too_large'
  | 'upstream_redirect'
  | 'upstream_invalid_response'

export interface ProviderErrorInit {
  provider: string
  status: number
  code: ProviderErrorCode
  message: string
  retryable?: boolean
  retryAfterMs?: number
  param?: string | null
  cause?: unknown
}

/** The one error type that crosses the provider edge: mapped once, with a retry verdict. */
export class ProviderError extends Error {
  override readonly name = 'ProviderError'
  readonly provider: string
  readonly status: number
  readonly code: ProviderErrorCode
  readonly retryable: boolean
  readonly retryAfterMs?: number
  readonly param: string | null

  constructor(init: ProviderErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause })
    this.provider = init.provider
    this.status = init.status
    this.code = init.code
    this.retryable = init.retryable ?? isRetryableStatus(init.status)
    this.retryAfterMs = init.retryAfterMs
    this.param = init.param ?? null
  }
}

/** 408, 409, 429 and 5xx are worth another try; everything else is the caller's problem. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 409 || status === 429 || status >= 500
}
