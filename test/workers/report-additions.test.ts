import { describe, expect, it } from 'vitest'
import { usageReport } from '../../src/metering/usage-report.js'
import { openD1Store } from '../../src/store/d1.js'
import { additionsOf, byModelQuery, DATASET_EXPECTED, DATASET_QUERY, wholeQuery, writeDataset } from '../support/report-dataset.js'
import { ADMIN, bindings, call } from './worker-harness.js'

type ReportRow = Parameters<typeof additionsOf>[0] & { group: { model?: string } }

/** Issue 15's report additions on D1: the same dataset and the same figures as on SQLite. */
describe('usage report additions on D1', () => {
  it('shows ttft percentiles, error rate and cache savings exactly, and from the rollups', async () => {
    const store = openD1Store(bindings.DB)
    await writeDataset(store)

    const range = `from=${new Date(DATASET_QUERY.from).toISOString()}&to=${new Date(DATASET_QUERY.to).toISOString()}&key=${DATASET_QUERY.keyId}`
    const res = await call(`/admin/usage?${range}&group_by=model`, { key: ADMIN })
    expect(res.status).toBe(200)
    const body = (await res.json()) as { data: ReportRow[] }
    expect(body.data.map((r) => [r.group.model, ...additionsOf(r)])).toEqual([
      ['openai/gpt-4o', ...DATASET_EXPECTED.exact['gpt-4o']],
      ['openai/gpt-4o-mini', ...DATASET_EXPECTED.exact['gpt-4o-mini']],
    ])

    const byModel = await usageReport(store.db, byModelQuery, { exactPercentilesMaxAttempts: 0 })
    expect(byModel.data.map(additionsOf)).toEqual([DATASET_EXPECTED.histogram['gpt-4o'], DATASET_EXPECTED.histogram['gpt-4o-mini']])
    const whole = await usageReport(store.db, wholeQuery, { exactPercentilesMaxAttempts: 0 })
    expect(whole.data.map(additionsOf)).toEqual([DATASET_EXPECTED.histogram.all])
  })
})
