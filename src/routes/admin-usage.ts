import { Hono } from 'hono'
import type { AppEnv } from '../app-env.js'
import type { AppDeps } from '../deps.js'
import { invalidRequest } from '../errors.js'
import { requestLog } from '../metering/request-log.js'
import { parseInstant } from '../metering/time-range.js'
import { reportDimensions, usageReport, type ReportDimension } from '../metering/usage-report.js'
import { jsonContentType, plainDecimalJson } from '../metering/plain-decimal-json.js'
import { managementScope, teamFilter } from '../security/management-scope.js'

const DEFAULT_SPAN_MS = 30 * 86_400_000

function instantParam(name: string, raw: string | undefined, now: number): number | undefined {
  if (raw === undefined || raw === '') return undefined
  const value = parseInstant(raw, now)
  if (value === undefined) throw invalidRequest(`Invalid value for '${name}': expected ISO 8601 (2026-07-01 or 2026-07-01T12:00:00Z), epoch milliseconds or an age such as 7d.`, name)
  return value
}

function groupByParam(raw: string | undefined): ReportDimension[] {
  if (raw === undefined || raw.trim() === '') return []
  const dims = raw.split(',').map((d) => d.trim()).filter(Boolean)
  for (const d of dims) {
    if (!(reportDimensions as string[]).includes(d)) {
      throw invalidRequest(`Invalid value for 'group_by': '${d}' is not one of ${reportDimensions.join(', ')}.`, 'group_by')
    }
  }
  return [...new Set(dims)] as ReportDimension[]
}

function limitParam(raw: string | undefined): number {
  if (raw === undefined || raw === '') return 100
  const value = Number(raw)
  if (!Number.isInteger(value) || value < 1 || value > 1000) throw invalidRequest(`Invalid value for 'limit': expected a whole number from 1 to 1000.`, 'limit')
  return value
}

const optional = (raw: string | undefined) => (raw === undefined || raw === '' ? undefined : raw)

/** GET /admin/usage (grouped totals) and GET /admin/requests (the per-attempt log): every team for the admin key, its own for a team admin. */
export function adminUsageRoutes(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>()

  app.get('/admin/usage', async (c) => {
    const now = deps.clock.now()
    const to = instantParam('to', c.req.query('to'), now) ?? now + 1
    const from = instantParam('from', c.req.query('from'), now) ?? to - DEFAULT_SPAN_MS
    if (from >= to) throw invalidRequest(`Invalid value for 'from': it must be before 'to'.`, 'from')
    const groupBy = groupByParam(c.req.query('group_by'))
    const report = await usageReport(deps.store.db, {
      from, to, groupBy,
      keyId: optional(c.req.query('key')), model: optional(c.req.query('model')),
      team: teamFilter(managementScope(c.get('principal')), optional(c.req.query('team'))),
    })
    return c.body(plainDecimalJson({
      object: 'usage_report',
      from: new Date(from).toISOString(),
      to: new Date(to).toISOString(),
      group_by: groupBy,
      price_table_date: deps.prices.takenOn,
      latency_percentiles: report.latency_percentiles,
      data: report.data,
    }), 200, jsonContentType)
  })

  app.get('/admin/requests', async (c) => {
    const now = deps.clock.now()
    const cursor = optional(c.req.query('cursor'))
    if (cursor !== undefined && !/^\d{1,16}-\d{1,16}$/.test(cursor)) throw invalidRequest(`Invalid value for 'cursor': use the next_cursor of a previous page.`, 'cursor')
    const page = await requestLog(deps.store.db, {
      limit: limitParam(c.req.query('limit')),
      cursor,
      keyId: optional(c.req.query('key')),
      team: teamFilter(managementScope(c.get('principal')), optional(c.req.query('team'))),
      route: optional(c.req.query('route')),
      model: optional(c.req.query('model')),
      status: optional(c.req.query('status')),
      from: instantParam('from', c.req.query('from'), now),
      to: instantParam('to', c.req.query('to'), now),
    })
    return c.body(plainDecimalJson(page), 200, jsonContentType)
  })

  return app
}
