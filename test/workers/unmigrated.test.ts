import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test'
import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { createWorker, type WorkerBindings } from '../../src/worker.js'

const unmigrated = { ...(env as unknown as WorkerBindings), DB: (env as unknown as { UNMIGRATED_DB: WorkerBindings['DB'] }).UNMIGRATED_DB }

async function callUnmigrated(path: string, init?: RequestInit): Promise<Response> {
  const ctx = createExecutionContext()
  const res = await createWorker().fetch(new Request(`http://gateway${path}`, init), unmigrated, ctx)
  await waitOnExecutionContext(ctx)
  return res
}

describe('a D1 database without the migrations', () => {
  it('answers 503 naming the commands to run, on /health and on a call, without a stack trace', async () => {
    for (const [path, init] of [['/health', undefined], ['/v1/chat/completions', { method: 'POST', headers: { authorization: 'Bearer mk-x' }, body: '{}' }]] as const) {
      const res = await callUnmigrated(path, init)
      expect(res.status, path).toBe(503)
      expect(res.headers.get('content-type')).toContain('application/json')
      const body = (await res.json()) as { error: { message: string; type: string; code: string } }
      expect(body.error).toMatchObject({ type: 'server_error', code: 'database_not_migrated' })
      expect(body.error.message).toContain('npm run dev:worker')
      expect(body.error.message).toContain('wrangler d1 migrations apply manifold --remote')
      expect(body.error.message).not.toMatch(/\bat .*\.(ts|js):\d+/)
    }
  })

  it('serves again once the database is migrated (the isolate does not keep the failure)', async () => {
    const worker = createWorker()
    const ctx = createExecutionContext()
    const before = await worker.fetch(new Request('http://gateway/health'), unmigrated, ctx)
    expect(before.status).toBe(503)
    await before.text()
    const after = await worker.fetch(new Request('http://gateway/health'), env as unknown as WorkerBindings, ctx)
    expect(after.status).toBe(200)
    await after.text()
    await waitOnExecutionContext(ctx)
  })
})
