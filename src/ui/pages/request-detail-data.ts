import type { StoredBodies } from '../../metering/request-bodies.js'
import type { RequestDetail, RequestLogEntry, RequestLogPage } from '../../metering/request-log.js'
import type { UiApi } from '../api-client.js'

/** One attempt as GET /admin/requests lists it. */
export type AttemptJson = RequestLogEntry
export type RequestLogJson = RequestLogPage

/** GET /admin/requests/:request_id: the call, every attempt, totals, and the stored bodies if any. */
export type RequestDetailJson = RequestDetail & { bodies: StoredBodies | null }

export function requestDetail(api: UiApi, requestId: string): Promise<RequestDetailJson> {
  return api.get<RequestDetailJson>(`/admin/requests/${encodeURIComponent(requestId)}`)
}
