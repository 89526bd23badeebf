import type { AppDeps } from '../deps.js'
import { getKey } from '../store/keys-repo.js'
import { checkCallbackUrl } from '../security/url-check.js'
import { recordDelivery, type DeliveryResult, type JobRow } from './job-repo.js'
import { toJobView } from './job-view.js'
import { signWebhook } from './webhook-signature.js'

export interface DeliverOptions {
  /** How long one attempt may take before it counts as failed. */
  timeoutMs: number
  signal?: AbortSignal
}

/** The secret a job's callbacks are signed with: the key's own, else the gateway's. */
export async function webhookSecretFor(deps: AppDeps, keyId: string | null): Promise<string | undefined> {
  if (keyId !== null) {
    const key = await getKey(deps.store.db, keyId)
    if (key?.webhookSecret) return key.webhookSecret
  }
  return deps.config.webhookSecret
}

/** Standard Webhooks' payload shape: an event type, a timestamp and the job (without its own delivery bookkeeping). */
export function callbackPayload(row: JobRow, now: number): string {
  const { callback: _delivery, ...job } = toJobView(row)
  return JSON.stringify({ type: `job.${row.status}`, timestamp: new Date(now).toISOString(), data: job })
}

/** One POST to the callback URL; a string says why it failed. */
async function attempt(deps: AppDeps, row: JobRow, options: DeliverOptions): Promise<string | undefined> {
  const secret = await webhookSecretFor(deps, row.keyId)
  if (!secret) return 'no webhook secret is configured (MANIFOLD_WEBHOOK_SECRET or the key\'s webhook_secret)'
  // Checked again now, not only at submission: the name may point somewhere else by now (DNS rebinding).
  const checked = await checkCallbackUrl(row.callbackUrl!, { allow: deps.config.callbackAllow, resolve: deps.resolveHost })
  if (!checked.ok) return `callback URL refused: ${checked.reason}`

  const now = deps.clock.now()
  const body = callbackPayload(row, now)
  const signed = await signWebhook(secret, row.webhookId!, now / 1000, body)
  const timeout = AbortSignal.timeout(options.timeoutMs)
  const signal = options.signal ? AbortSignal.any([timeout, options.signal]) : timeout
  let response: Response
  try {
    response = await (deps.callbackFetch ?? deps.fetch)(checked.url.href, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'Manifold-Webhooks/1', ...signed },
      body,
      redirect: 'manual',
      signal,
    })
  } catch (err) {
    if (timeout.aborted) return `timed out after ${options.timeoutMs} ms`
    return `request failed: ${err instanceof Error ? err.message : String(err)}`
  }
  await response.body?.cancel().catch(() => undefined)
  if (response.status >= 200 && response.status < 300) return undefined
  // Browsers' fetch reports a manual redirect as type 'opaqueredirect' with status 0; Node and workerd give the 3xx.
  if ((response.status >= 300 && response.status < 400) || (response.type as string) === 'opaqueredirect') {
    return `the receiver answered with a redirect (HTTP ${response.status}); redirects are not followed`
  }
  return `the receiver answered HTTP ${response.status}`
}

/**
 * Delivers a claimed callback once and records the outcome: delivered, a retry at the next step of
 * MANIFOLD_CALLBACK_RETRY_SCHEDULE, or `failed` when the schedule is spent. The webhook-id is the job's,
 * the same on every attempt, so receivers can deduplicate.
 */
export async function deliverCallback(deps: AppDeps, row: JobRow, options: DeliverOptions): Promise<DeliveryResult> {
  const error = await attempt(deps, row, options)
  const attempts = row.deliveryAttempts + 1
  const schedule = deps.config.callbackRetrySchedule
  let result: DeliveryResult
  if (error === undefined) result = { kind: 'delivered' }
  else if (attempts <= schedule.length) result = { kind: 'retry', at: deps.clock.now() + schedule[attempts - 1]!, error }
  else result = { kind: 'failed', error }
  if (options.signal?.aborted) return result
  await recordDelivery(deps.store.db, row.id, attempts, result)
  if (result.kind === 'retry') await deps.jobQueue.deliveryDue(row.id, result.at)
  if (result.kind === 'failed') deps.log.warn('callback delivery failed', { jobId: row.id, attempts, error })
  return result
}
