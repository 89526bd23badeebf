import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { usage } from '../../src/store/schema.js'
import type { Store } from '../../src/store/store.js'
import { startMeteredGateway, type MeteredGateway } from '../support/metering-gateway.js'
import { parsePrometheusText, sampleValue } from '../support/metering-prometheus.js'

describe('recording never fails the call and loses nothing', () => {
  let m: MeteredGateway
  beforeEach(async () => {
    m = await startMeteredGateway()
  })
  afterEach(async () => {
    await m.close()
  })

  it('a store whose writes fail twice (locked database, full disk): calls succeed, every row lands later', async () => {
    const store = m.gw.deps.store
    const realWrite = store.writeUsage.bind(store)
    let failures = 0
    store.writeUsage = (async (...args: Parameters<Store['writeUsage']>) => {
      if (failures < 2) {
        failures++
        throw new Error('SQLITE_BUSY: database is locked')
      }
      return realWrite(...args)
    }) as Store['writeUsage']

    const statuses = []
    for (let i = 0; i < 3; i++) statuses.push((await m.chat(m.gw.adminKey)).status)
    expect(statuses).toEqual([200, 200, 200])

    // The recorder's own timer may retry in the background too; either way a few flushes write everything.
    for (let i = 0; i < 5 && m.gw.deps.usage.pending > 0; i++) await m.gw.deps.usage.flush()
    expect(failures).toBe(2)
    expect(m.gw.deps.usage.pending).toBe(0)
    const rows = await store.db.select().from(usage)
    expect(rows.map((r) => [r.outcome, r.promptTokens, r.completionTokens, r.costPicoUsd])).toEqual([
      ['success', 16, 363, 146_800_000], ['success', 16, 363, 146_800_000], ['success', 16, 363, 146_800_000],
    ])
    // /metrics counts the failed writes apart, and each row once, when it was finally written.
    const exposition = parsePrometheusText(await (await m.gw.request('/metrics', { key: m.gw.adminKey })).text())
    expect(sampleValue(exposition, 'manifold_usage_flush_failures_total', {})).toBe(2)
    expect(sampleValue(exposition, 'manifold_usage_rows_written_total', {})).toBe(3)
    expect(sampleValue(exposition, 'manifold_usage_flush_seconds_count', {})).toBeGreaterThanOrEqual(3)
  })

  it('a listener that throws (a metrics bug) does not fail the call', async () => {
    m.gw.deps.usage.subscribe(() => {
      throw new Error('listener bug')
    })
    expect((await m.chat(m.gw.adminKey)).status).toBe(200)
    await m.gw.deps.usage.flush()
    expect(await m.gw.deps.store.db.select().from(usage)).toHaveLength(1)
  })
})
