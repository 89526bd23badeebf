import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { keepAliveAgent, postChatCall } from '../support/burst-client.js'
import { startChildGateway, type ChildGateway } from '../support/child-gateway.js'
import { eventually } from '../support/eventually.js'
import { fixtureJson } from '../support/fixtures.js'
import { startMockUpstream, type MockUpstream } from '../support/mock-upstream.js'

const ADMIN = 'mk-sigkill-test-admin-0123456789abcdefghijkl'
const BURST = 40

interface UsageRow {
  id: number; request_id: string; attempt: number; created_at: number; outcome: string; status: number
  prompt_tokens: number; completion_tokens: number; latency_ms: number | null
}

describe('SIGKILL during a burst (real child, same SQLite file)', () => {
  let upstream: MockUpstream
  let dir: string
  const children: ChildGateway[] = []

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'manifold-sigkill-'))
    // Even calls are answered at once, odd ones hang: the kill lands with writes done, pending and never started.
    upstream = await startMockUpstream((req) => {
      const text = JSON.stringify(req.body)
      const n = Number(/burst (\d+)/.exec(text)?.[1] ?? 0)
      return n % 2 === 1 ? { hang: true } : { json: fixtureJson('openai/vercel-openai-text.json') }
    })
  })
  afterAll(async () => {
    for (const child of children) if (child.process.exitCode === null && child.process.signalCode === null) child.process.kill('SIGKILL')
    await upstream.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('on restart the database passes integrity_check, every row is whole, the rollups match the rows, and it serves', async () => {
    const db = join(dir, 'kill.db')
    const env = { MANIFOLD_DB: db, MANIFOLD_ADMIN_KEY: ADMIN, OPENAI_API_KEY: 'sk-up', OPENAI_BASE_URL: `${upstream.url}/v1` }
    const first = await startChildGateway(env)
    children.push(first)
    const created = await fetch(`${first.url}/admin/keys`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'kill' }) })
    const { key } = (await created.json()) as { key: string }
    const agent = keepAliveAgent()
    const calls = Array.from({ length: BURST }, (_, i) => postChatCall(agent, first.url, key, `burst-${i}`, { model: 'openai/gpt-4.1-nano', messages: [{ role: 'user', content: `burst ${i}` }] }))
    await eventually(() => upstream.requests.length >= BURST, 'the whole burst to reach the upstream')
    first.process.kill('SIGKILL')
    expect(await first.exited).toBe('SIGKILL')
    const results = await Promise.all(calls.map((c) => c.result))
    agent.destroy()
    // Answered calls got whole answers; the rest saw the connection die, nothing in between.
    for (const result of results) {
      if (result.status !== undefined && result.error === undefined) expect(JSON.parse(result.body!)).toMatchObject({ object: 'chat.completion' })
      else expect(result.error).toMatch(/ECONNRESET|socket hang up|EPIPE/)
    }

    const second = await startChildGateway(env)
    children.push(second)
    const after = await fetch(`${second.url}/v1/chat/completions`, {
      method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', 'x-request-id': 'after-restart' },
      body: JSON.stringify({ model: 'openai/gpt-4.1-nano', messages: [{ role: 'user', content: 'after' }] }),
    })
    expect(after.status).toBe(200)
    second.process.kill('SIGTERM')
    expect(await second.exited).toBe(0)

    const sqlite = new Database(db, { readonly: true })
    expect(sqlite.pragma('integrity_check', { simple: true })).toBe('ok')
    const rows = sqlite.prepare('SELECT id, request_id, attempt, created_at, outcome, status, prompt_tokens, completion_tokens, latency_ms FROM usage').all() as UsageRow[]
    const rolled = (table: string) => (sqlite.prepare(`SELECT COALESCE(SUM(attempts), 0) AS n FROM ${table}`).get() as { n: number }).n
    const hourly = rolled('usage_rollup_hourly')
    const daily = rolled('usage_rollup_daily')
    sqlite.close()

    expect(rows.map((r) => r.request_id)).toContain('after-restart')
    for (const row of rows) {
      expect(row.request_id).toMatch(/^(burst-\d+|after-restart)$/)
      expect(row.attempt).toBeGreaterThanOrEqual(1)
      expect(['success', 'error', 'aborted']).toContain(row.outcome)
      expect(Number.isInteger(row.status) && Number.isInteger(row.created_at)).toBe(true)
      expect(row.prompt_tokens).toBeGreaterThanOrEqual(0)
      expect(row.completion_tokens).toBeGreaterThanOrEqual(0)
      if (row.outcome === 'success') expect(Number(/\d+/.exec(row.request_id)?.[0] ?? 0) % 2 === 0 || row.request_id === 'after-restart').toBe(true)
    }
    // Rows and rollups are written in one transaction: a kill leaves both or neither.
    expect(hourly).toBe(rows.length)
    expect(daily).toBe(rows.length)
  })
})
