import { mkdtempSync, rmSync } from 'node:fs'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { keepAliveAgent, postChatCall, type BurstCall } from '../support/burst-client.js'
import { startChildGateway } from '../support/child-gateway.js'
import { eventually } from '../support/eventually.js'
import { fixtureJson } from '../support/fixtures.js'
import { startMockUpstream, type MockUpstream } from '../support/mock-upstream.js'
import { gate } from '../support/routing-upstream.js'

const ADMIN = 'mk-drain-test-admin-0123456789abcdefghijklmn'
const BURST = 40
const DISPATCHED_BEFORE_SIGNAL = 20

const isBurst = (body: unknown) => JSON.stringify(body).includes('"burst ')

function refusedConnection(url: string): Promise<string> {
  const { hostname, port } = new URL(url)
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname)
    socket.once('connect', () => {
      socket.destroy()
      resolve('connected')
    })
    socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message))
  })
}

describe('SIGTERM drain on a warm keep-alive gateway (issue 11, item 8)', () => {
  let upstream: MockUpstream
  let dir: string
  const held = gate()

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'manifold-drain-'))
    // Burst calls are held at the mock until the test lets them go: they are in flight when the signal lands.
    upstream = await startMockUpstream(async (req) => {
      if (isBurst(req.body)) await held.promise
      return { json: fixtureJson('openai/vercel-openai-text.json') }
    })
  })
  afterAll(async () => {
    held.open()
    await upstream.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('answers every call that reached a socket before the signal, says Connection: close, then exits 0', async () => {
    const db = join(dir, 'drain.db')
    const gw = await startChildGateway({ MANIFOLD_DB: db, MANIFOLD_ADMIN_KEY: ADMIN, OPENAI_API_KEY: 'sk-up', OPENAI_BASE_URL: `${upstream.url}/v1` })
    const created = await fetch(`${gw.url}/admin/keys`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'drain' }) })
    const { key } = (await created.json()) as { key: string }
    const agent = keepAliveAgent()
    const call = (id: string, text: string) => postChatCall(agent, gw.url, key, id, { model: 'openai/gpt-4.1-nano', messages: [{ role: 'user', content: text }] })

    // Warm: more open keep-alive sockets than the burst needs, so every burst call is written at once.
    const warm = await Promise.all(Array.from({ length: BURST + 8 }, (_, i) => call(`warm-${i}`, `warm ${i}`).result))
    expect(warm.every((r) => r.status === 200 && r.connection === 'keep-alive')).toBe(true)
    expect(Object.values(agent.freeSockets).flat().length).toBeGreaterThanOrEqual(BURST)

    const burstSeen = () => upstream.requests.filter((r) => isBurst(r.body)).length
    const calls: BurstCall[] = []
    for (let i = 0; i < DISPATCHED_BEFORE_SIGNAL; i++) calls.push(call(`burst-${i}`, `burst ${i}`))
    await eventually(() => burstSeen() === DISPATCHED_BEFORE_SIGNAL, 'the mock to hold the first half of the burst')

    // With the gateway stopped, the second half is written to its sockets but cannot be read; the signal
    // is pending before the process runs again, so it lands with those requests unread.
    gw.process.kill('SIGSTOP')
    for (let i = DISPATCHED_BEFORE_SIGNAL; i < BURST; i++) calls.push(call(`burst-${i}`, `burst ${i}`))
    await Promise.all(calls.map((c) => c.written))
    gw.process.kill('SIGTERM')
    gw.process.kill('SIGCONT')
    await eventually(() => gw.stdout().includes('"msg":"shutting down"'), 'the gateway to start draining')

    expect(await refusedConnection(gw.url)).toBe('ECONNREFUSED')
    await eventually(() => burstSeen() === BURST, 'the unread half of the burst to reach the mock')
    held.open()

    const results = await Promise.all(calls.map((c) => c.result))
    agent.destroy()
    expect(await gw.exited).toBe(0)
    expect(results.filter((r) => r.error !== undefined)).toEqual([])
    for (const result of results) {
      expect(result.status).toBe(200)
      expect(result.connection).toBe('close')
      expect((JSON.parse(result.body!) as { object: string }).object).toBe('chat.completion')
    }

    const sqlite = new Database(db, { readonly: true })
    const rows = sqlite.prepare("SELECT request_id, outcome, status FROM usage WHERE request_id LIKE 'burst-%'").all() as Array<{ request_id: string; outcome: string; status: number }>
    sqlite.close()
    expect(rows.map((r) => r.request_id).sort()).toEqual(calls.map((_, i) => `burst-${i}`).sort())
    expect(rows.every((r) => r.outcome === 'success' && r.status === 200)).toBe(true)
  })
})
