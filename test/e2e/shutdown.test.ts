import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startChildGateway } from '../support/child-gateway.js'
import { eventually } from '../support/eventually.js'
import { fixtureJson, fixtureText } from '../support/fixtures.js'
import { sseFromChunkLines, startMockUpstream, type MockUpstream } from '../support/mock-upstream.js'
import { gate } from '../support/routing-upstream.js'

const ADMIN = 'mk-shutdown-test-admin-0123456789abcdefghijkl'

describe('graceful shutdown of the Node entry', () => {
  let upstream: MockUpstream
  let dir: string
  const held = gate()

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'manifold-shutdown-'))
    upstream = await startMockUpstream(async (req) => {
      // Held until the gateway has taken the signal: every call is provably in flight when it lands.
      await held.promise
      const stream = (req.body as { stream?: boolean }).stream
      return stream
        ? { sse: sseFromChunkLines(fixtureText('openai/vercel-openai-text.chunks.txt')), frameDelayMs: 5 }
        : { json: fixtureJson('openai/vercel-openai-text.json'), delayMs: 200 }
    })
  })
  afterAll(async () => {
    held.open()
    await upstream.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('SIGTERM during a burst: in-flight calls finish, every answered call has its usage row, exit 0', async () => {
    const db = join(dir, 'burst.db')
    const gw = await startChildGateway({ MANIFOLD_DB: db, MANIFOLD_ADMIN_KEY: ADMIN, OPENAI_API_KEY: 'sk-up', OPENAI_BASE_URL: `${upstream.url}/v1` })
    const created = await fetch(`${gw.url}/admin/keys`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'burst' }) })
    const { key } = (await created.json()) as { key: string }

    const seen = upstream.requests.length
    const calls = Array.from({ length: 24 }, (_, i) => (async () => {
      const res = await fetch(`${gw.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', 'x-request-id': `burst-${i}` },
        body: JSON.stringify({ model: 'openai/gpt-4.1-nano', messages: [{ role: 'user', content: `call ${i}` }], stream: i % 3 === 0 }),
      })
      const text = await res.text()
      return { status: res.status, id: res.headers.get('x-request-id'), complete: i % 3 !== 0 || text.endsWith('data: [DONE]\n\n') }
    })())

    // SIGTERM once every call is held at the upstream; the answers go out only after the gateway took it.
    await eventually(() => upstream.requests.length - seen === calls.length, 'every call to reach the upstream')
    gw.process.kill('SIGTERM')
    await eventually(() => gw.stdout().includes('"msg":"shutting down"'), 'the gateway to take the signal')
    held.open()

    const results = await Promise.all(calls)
    expect(await gw.exited).toBe(0)
    expect(results.every((r) => r.status === 200 && r.complete)).toBe(true)

    const sqlite = new Database(db, { readonly: true })
    const rows = sqlite.prepare("SELECT request_id, outcome, status FROM usage WHERE request_id LIKE 'burst-%' ORDER BY request_id").all() as Array<{ request_id: string; outcome: string; status: number }>
    sqlite.close()
    expect(rows.map((r) => r.request_id).sort()).toEqual(results.map((r) => r.id).sort())
    expect(rows.every((r) => r.outcome === 'success' && r.status === 200)).toBe(true)
  })

  it('a bad config stops the start with a message naming the field', async () => {
    const file = join(dir, 'bad.json')
    const { writeFileSync } = await import('node:fs')
    writeFileSync(file, JSON.stringify({ routes: { duo: { strategy: 'sideways', targets: ['openai/gpt-4o'] } } }))
    await expect(startChildGateway({ MANIFOLD_DB: join(dir, 'bad.db'), MANIFOLD_CONFIG: file })).rejects.toThrow(/routes\.duo\.strategy/)
    await expect(startChildGateway({ MANIFOLD_DB: join(dir, 'bad.db'), PORT: 'eighty' })).rejects.toThrow(/PORT: expected a whole number/)
  })

  it('generates an admin key on first start, prints it once, and accepts it', async () => {
    const db = join(dir, 'fresh.db')
    const first = await startChildGateway({ MANIFOLD_DB: db })
    const match = /admin key \(shown once, store it now\): (mk-\S+)/.exec(first.stdout())
    expect(match).not.toBeNull()
    const res = await fetch(`${first.url}/admin/keys`, { headers: { authorization: `Bearer ${match![1]}` } })
    expect(res.status).toBe(200)
    first.process.kill('SIGTERM')
    expect(await first.exited).toBe(0)
    const second = await startChildGateway({ MANIFOLD_DB: db })
    expect(second.stdout()).not.toContain('shown once')
    second.process.kill('SIGTERM')
    await second.exited
  })
})
