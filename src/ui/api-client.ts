import type { Context } from 'hono'
import { INTERNAL_PRINCIPAL } from '../middleware/auth.js'
import { generateId } from '../security/keys.js'
import type { UiEnv } from './ui-env.js'

/** A non-2xx answer of the gateway's API, with its error body's message and code. */
export class UiApiError extends Error {
  constructor(readonly status: number, message: string, readonly code: string | null, readonly type: string | null) {
    super(message)
    this.name = 'UiApiError'
  }
}

export interface UiApi {
  get<T = unknown>(path: string): Promise<T>
  post<T = unknown>(path: string, body?: unknown): Promise<T>
  patch<T = unknown>(path: string, body?: unknown): Promise<T>
  delete<T = unknown>(path: string): Promise<T>
}

function errorOf(status: number, body: unknown): UiApiError {
  const error = body && typeof body === 'object' && 'error' in body ? body.error : undefined
  const field = (name: string) => (error && typeof error === 'object' && name in error ? (error as Record<string, unknown>)[name] : undefined)
  const message = field('message')
  const code = field('code')
  const type = field('type')
  return new UiApiError(status, typeof message === 'string' ? message : `The gateway answered ${status}.`,
    typeof code === 'string' ? code : null, typeof type === 'string' ? type : null)
}

/**
 * One request to the gateway, handled in process as the session's principal (never over the network, never
 * with the key). `ui_…` request ids tell the access log and metrics that this is the dashboard, not a
 * WebSocket frame.
 */
export async function fetchInProcess(c: Context<UiEnv>, method: string, path: string, body?: unknown): Promise<Response> {
  const headers = new Headers({ accept: 'application/json', 'x-request-id': generateId('ui') })
  if (body !== undefined) headers.set('content-type', 'application/json')
  const request = new Request(new URL(path, c.req.url), { method, headers, body: body === undefined ? undefined : JSON.stringify(body) })
  return c.get('appFetch')(request, { [INTERNAL_PRINCIPAL]: c.get('session').principal })
}

/**
 * The gateway's JSON API, called in process as the session's principal: dashboard pages read and change
 * nothing except through it, so their figures are the API's and its scopes hold for them too.
 */
export function uiApi(c: Context<UiEnv>): UiApi {
  async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetchInProcess(c, method, path, body)
    const text = await response.text()
    const parsed: unknown = text === '' ? null : JSON.parse(text)
    if (!response.ok) throw errorOf(response.status, parsed)
    return parsed as T
  }
  return {
    get: (path) => call('GET', path),
    post: (path, body) => call('POST', path, body ?? {}),
    patch: (path, body) => call('PATCH', path, body ?? {}),
    delete: (path) => call('DELETE', path),
  }
}
