import type { Context, MiddlewareHandler } from 'hono'
import type { AppEnv } from '../app-env.js'
import type { AppDeps } from '../deps.js'
import { GatewayError, invalidRequest } from '../errors.js'
import { parseChatRequest } from '../openai/chat-request.js'
import { messagesRequestSchema, parseWith } from '../dialects/anthropic-messages/request.js'
import { parseResponsesRequest } from '../dialects/openai-responses/request.js'
import { readJsonBody } from '../openai/read-json.js'
import { generateId } from '../security/keys.js'
import { checkCallbackUrl } from '../security/url-check.js'
import { webhookSecretFor } from './deliver.js'
import { insertJob, type StoredCall } from './job-repo.js'

const CALLBACK_HEADER = 'x-manifold-callback-url'

/** RFC 7240: `Prefer: respond-async, wait=5` (preferences are comma-separated, parameters after `;`). */
export function prefersAsync(header: string | undefined): boolean {
  if (!header) return false
  return header.split(',').some((pref) => pref.split(';')[0]!.trim().toLowerCase() === 'respond-async')
}

type JobKind = 'chat' | 'messages' | 'prompt' | 'responses'

/** Which kind of job a path makes: the calls that may run asynchronously, and nothing else. */
export function jobKindOf(method: string, path: string): JobKind | undefined {
  if (method !== 'POST') return undefined
  if (path === '/v1/chat/completions') return 'chat'
  if (path === '/v1/messages') return 'messages'
  if (path === '/v1/responses') return 'responses'
  if (/^\/v1\/prompts\/[^/]+/.test(path)) return 'prompt'
  return undefined
}

/** The headers the replay needs; never Authorization or cookies (the job acts for its key by id). */
function replayHeaders(c: Context<AppEnv>): Record<string, string> {
  const kept: Record<string, string> = {}
  for (const [name, value] of c.req.raw.headers) {
    const lower = name.toLowerCase()
    const anthropic = lower === 'anthropic-version' || lower === 'anthropic-beta'
    if (lower === 'content-type' || lower === 'accept' || anthropic || (lower.startsWith('x-manifold-') && lower !== CALLBACK_HEADER)) kept[lower] = value
  }
  return kept
}

async function checkedCallbackUrl(deps: AppDeps, c: Context<AppEnv>, keyId: string | null): Promise<string | null> {
  const raw = c.req.header(CALLBACK_HEADER)
  if (raw === undefined || raw === '') return null
  const checked = await checkCallbackUrl(raw, { allow: deps.config.callbackAllow, resolve: deps.resolveHost })
  if (!checked.ok) throw invalidRequest(`The callback URL is refused: ${checked.reason}.`, CALLBACK_HEADER, 'invalid_callback_url')
  if (!(await webhookSecretFor(deps, keyId))) {
    throw invalidRequest('Callbacks are signed, and no webhook secret is configured: set MANIFOLD_WEBHOOK_SECRET or the key\'s webhook_secret.', CALLBACK_HEADER, 'webhook_secret_missing')
  }
  return checked.url.href
}

/**
 * `Prefer: respond-async` on a chat or prompt call: validate what can be validated now (JSON, the chat
 * request, the callback URL), store the call, answer 202 with the job's location. Mounted before the routes
 * and keyed by path, so the routes themselves know nothing of jobs.
 */
export function respondAsync(deps: AppDeps): MiddlewareHandler<AppEnv> {
  // Not async itself: a call that asks for no job passes straight on, with no async layer of its own.
  return function respondAsync(c, next) {
    const kind = jobKindOf(c.req.method, c.req.path)
    if (!kind || !prefersAsync(c.req.header('prefer'))) return next()
    return submitJob(deps, c, kind)
  }
}

async function submitJob(deps: AppDeps, c: Context<AppEnv>, kind: JobKind): Promise<Response> {
  const body = await readJsonBody(c)
  const stream = kind === 'chat' ? parseChatRequest(body).stream
    : kind === 'messages' ? parseWith(messagesRequestSchema, body).stream
      : kind === 'responses' ? parseResponsesRequest(body).stream
        : false
  if (stream) throw invalidRequest('A job stores one response body: send "stream": false with Prefer: respond-async (or use the WebSocket endpoint to stream).', 'stream', 'stream_not_supported')
  const principal = c.get('principal')
  const callbackUrl = await checkedCallbackUrl(deps, c, principal.keyId)

  const id = generateId('job')
  const call: StoredCall = { method: 'POST', path: c.req.path + new URL(c.req.url).search, headers: replayHeaders(c), body: await c.req.text() }
  try {
    await insertJob(deps.store.db, {
      id,
      keyId: principal.keyId,
      kind,
      request: call as unknown as Record<string, unknown>,
      status: 'queued',
      callbackUrl,
      webhookId: callbackUrl === null ? null : generateId('msg'),
      createdAt: deps.clock.now(),
    })
  } catch (err) {
    deps.log.error('job insert failed', { error: err instanceof Error ? err.message : String(err) })
    throw new GatewayError(503, 'The job queue is unavailable; try again.', { type: 'server_error', code: 'queue_unavailable' })
  }
  await deps.jobQueue.jobQueued(id).catch((err: unknown) => {
    // The row is the truth; a lost signal only delays the job until the next sweep.
    deps.log.warn('job signal failed', { jobId: id, error: err instanceof Error ? err.message : String(err) })
  })
  return c.json({ id, object: 'job', status: 'queued' }, 202, { location: `/v1/jobs/${id}`, 'preference-applied': 'respond-async' })
}
