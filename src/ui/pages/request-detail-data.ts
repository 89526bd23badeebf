import { UiApiError, type UiApi } from '../api-client.js'

/** One attempt as GET /admin/requests lists it. */
export interface AttemptJson {
  id: number
  request_id: string
  attempt: number
  created_at: string
  key_id: string | null
  team: string | null
  provider: string | null
  model: string | null
  route: string | null
  strategy: string | null
  prompt: string | null
  endpoint: string
  surface?: string | null
  stream: boolean
  status: number
  outcome: string
  error_type: string | null
  input_tokens: number
  cached_tokens: number
  output_tokens: number
  cost_usd: number | null
  latency_ms: number
  ttft_ms: number | null
}

export interface RequestLogJson { data: AttemptJson[]; has_more: boolean; next_cursor: string | null }

/** GET /admin/requests/:request_id (issue 15): the call, every attempt, totals, and the stored bodies if any. */
export interface RequestDetailJson {
  request_id: string
  created_at: string
  key_id: string | null
  team: string | null
  model: string | null
  route: string | null
  strategy: string | null
  surface: string | null
  prompt: string | null
  status: number
  outcome: string
  attempts: AttemptJson[]
  totals: { input_tokens: number; output_tokens: number; cached_tokens: number; cost_usd: number | null; latency_ms: number | null; ttft_ms: number | null }
  bodies: { request: unknown; response: unknown } | null
}

const LOG_PAGE = 1000
const LOG_PAGES_SEARCHED = 10

/** A gateway without the per-request endpoint: the call put together from its attempts in the log. */
async function detailFromLog(api: UiApi, requestId: string): Promise<RequestDetailJson> {
  const attempts: AttemptJson[] = []
  let cursor: string | null = null
  for (let page = 0; page < LOG_PAGES_SEARCHED; page++) {
    const log: RequestLogJson = await api.get<RequestLogJson>(`/admin/requests?limit=${LOG_PAGE}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`)
    attempts.push(...log.data.filter((a) => a.request_id === requestId))
    if (!log.has_more || !log.next_cursor || (attempts.length > 0 && !log.data.some((a) => a.request_id === requestId))) break
    cursor = log.next_cursor
  }
  if (attempts.length === 0) throw new UiApiError(404, `No request with id ${requestId}.`, 'request_not_found', 'invalid_request_error')
  attempts.sort((a, b) => a.attempt - b.attempt || a.id - b.id)
  const first = attempts[0]!
  const last = attempts[attempts.length - 1]!
  const success = attempts.find((a) => a.outcome === 'success')
  const costs = attempts.map((a) => a.cost_usd)
  return {
    request_id: requestId, created_at: first.created_at, key_id: first.key_id, team: first.team, model: first.model, route: first.route,
    strategy: first.strategy, surface: first.surface ?? null, prompt: first.prompt,
    status: (success ?? last).status, outcome: (success ?? last).outcome, attempts,
    totals: {
      input_tokens: attempts.reduce((s, a) => s + a.input_tokens, 0),
      output_tokens: attempts.reduce((s, a) => s + a.output_tokens, 0),
      cached_tokens: attempts.reduce((s, a) => s + a.cached_tokens, 0),
      cost_usd: costs.every((c) => c === null) ? null : Math.round(costs.reduce<number>((s, c) => s + (c ?? 0), 0) * 1e12) / 1e12,
      latency_ms: Math.max(...attempts.map((a) => a.latency_ms)),
      ttft_ms: success?.ttft_ms ?? null,
    },
    bodies: null,
  }
}

/** The request's detail from the API; from the log when this gateway predates GET /admin/requests/:request_id. */
export async function requestDetail(api: UiApi, requestId: string): Promise<RequestDetailJson> {
  try {
    return await api.get<RequestDetailJson>(`/admin/requests/${encodeURIComponent(requestId)}`)
  } catch (err) {
    if (!(err instanceof UiApiError && err.code === 'unknown_url')) throw err
  }
  return detailFromLog(api, requestId)
}
