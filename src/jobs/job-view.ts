import type { JobRow } from './job-repo.js'

/** A job as GET /v1/jobs/{id} shows it and as its callback carries it. Times are Unix seconds, as OpenAI's. */
export interface JobView {
  id: string
  object: 'job'
  kind: string
  status: string
  created_at: number
  started_at: number | null
  finished_at: number | null
  /** The HTTP status the direct call would have answered with. */
  result_status: number | null
  /** The exact body the direct call would have returned (on success). */
  result: unknown
  /** OpenAI's error body (on failure or cancel). */
  error: unknown
  callback: CallbackView | null
}

export interface CallbackView {
  url: string
  /** pending | delivering | delivered | failed (none before the job ends) */
  state: string
  attempts: number
  next_attempt_at: number | null
  last_error: string | null
  webhook_id: string | null
}

const seconds = (ms: number | null) => (ms === null ? null : Math.floor(ms / 1000))

export function toJobView(row: JobRow): JobView {
  return {
    id: row.id,
    object: 'job',
    kind: row.kind,
    status: row.status,
    created_at: seconds(row.createdAt)!,
    started_at: seconds(row.startedAt),
    finished_at: seconds(row.finishedAt),
    result_status: row.resultStatus,
    result: row.result ?? null,
    error: row.error ?? null,
    callback: row.callbackUrl === null ? null : {
      url: row.callbackUrl,
      state: row.deliveryState,
      attempts: row.deliveryAttempts,
      next_attempt_at: row.deliveryState === 'pending' ? seconds(row.nextDeliveryAt) : null,
      last_error: row.lastDeliveryError,
      webhook_id: row.webhookId,
    },
  }
}
