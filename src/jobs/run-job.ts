import type { Principal } from '../app-env.js'
import type { AppDeps } from '../deps.js'
import { GatewayError, toGatewayError } from '../errors.js'
import { INTERNAL_PRINCIPAL } from '../middleware/auth.js'
import { getKey } from '../store/keys-repo.js'
import { finishJob, releaseJob, renewJobLease, type JobOutcome, type JobRow, type StoredCall } from './job-repo.js'

/** The app's own fetch, called in-process with the principal a job or a WebSocket call acts for. */
export type AppCall = (request: Request, env: { [INTERNAL_PRINCIPAL]: Principal }) => Response | Promise<Response>

/** Why a runner aborted a job's call: a cancel ends it, a shutdown gives it back to the queue. */
export class JobAbort extends Error {
  override readonly name = 'JobAbort'
  constructor(readonly why: 'canceled' | 'shutdown') {
    super(`job ${why}`)
  }
}

/** The principal the job was submitted with, as of now: a key revoked or expired since then fails the job as the direct call would. */
export async function principalForJob(deps: AppDeps, keyId: string | null): Promise<Principal> {
  if (keyId === null) return { kind: 'admin', keyId: null, key: null }
  const key = await getKey(deps.store.db, keyId)
  if (!key) throw new GatewayError(401, 'Incorrect API key provided.', { type: 'invalid_request_error', code: 'invalid_api_key' })
  if (key.revokedAt !== null) throw new GatewayError(401, 'This API key has been revoked.', { type: 'invalid_request_error', code: 'key_revoked' })
  if (key.expiresAt !== null && key.expiresAt <= deps.clock.now()) {
    throw new GatewayError(401, 'This API key has expired.', { type: 'invalid_request_error', code: 'key_expired' })
  }
  return { kind: 'key', keyId: key.id, key }
}

/** A stored call as the Request the app serves; the job id becomes the request id, so usage rows name the job. */
export function replayRequest(jobId: string, call: StoredCall, signal: AbortSignal): Request {
  return new Request(`http://internal${call.path}`, {
    method: call.method,
    headers: { ...call.headers, 'x-request-id': jobId },
    body: call.body,
    signal,
  })
}

async function readResult(response: Response): Promise<unknown> {
  const text = await response.text()
  if (!/json/i.test(response.headers.get('content-type') ?? '')) return text
  try {
    return JSON.parse(text)
  } catch {
    return text
  }
}

function outcomeOf(status: number, body: unknown): JobOutcome {
  const ok = status >= 200 && status < 300
  return { status: ok ? 'succeeded' : 'failed', resultStatus: status, result: ok ? body : null, error: ok ? null : body }
}

/**
 * Runs a claimed job by replaying its call through the app, so routing, limits, budgets and metering are
 * the direct call's, and the stored result is the body the direct call would have returned. Returns the
 * finished row (undefined when the job was canceled or given back meanwhile).
 */
export async function runJob(deps: AppDeps, call: AppCall, row: JobRow, signal: AbortSignal): Promise<JobRow | undefined> {
  let outcome: JobOutcome
  try {
    const principal = await principalForJob(deps, row.keyId)
    const response = await call(replayRequest(row.id, row.request as unknown as StoredCall, signal), { [INTERNAL_PRINCIPAL]: principal })
    const body = await readResult(response)
    if (signal.aborted) throw signal.reason
    outcome = outcomeOf(response.status, body)
  } catch (err) {
    if (signal.aborted && signal.reason instanceof JobAbort) {
      if (signal.reason.why === 'shutdown') await releaseJob(deps.store.db, row.id)
      return undefined
    }
    const mapped = toGatewayError(err)
    if (mapped.status >= 500) deps.log.error('job failed', { jobId: row.id, error: err instanceof Error ? err.message : String(err) })
    outcome = outcomeOf(mapped.status, mapped.toJSON())
  }
  const finished = await finishJob(deps.store.db, row.id, outcome, deps.clock.now())
  if (finished?.deliveryState === 'pending') await deps.jobQueue.deliveryDue(finished.id, finished.nextDeliveryAt ?? deps.clock.now())
  return finished
}

/**
 * runJob with its claim kept alive: the lease is renewed every third of its length, and a renewal that
 * finds the job no longer running (a DELETE served by another process or isolate) aborts the call.
 */
export async function runWithLease(
  deps: AppDeps, call: AppCall, row: JobRow, leaseMs: number, controller = new AbortController(),
): Promise<JobRow | undefined> {
  const renew = setInterval(() => {
    renewJobLease(deps.store.db, row.id, deps.clock.now(), leaseMs)
      .then((held) => { if (!held) controller.abort(new JobAbort('canceled')) })
      .catch(() => undefined)
  }, Math.max(10, Math.floor(leaseMs / 3)))
  try {
    return await runJob(deps, call, row, controller.signal)
  } finally {
    clearInterval(renew)
  }
}
