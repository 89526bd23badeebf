import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { startNodeGateway } from '../../src/node.js'
import { createKey } from '../../src/security/key-service.js'
import { fixtureJson, fixtureText } from '../support/fixtures.js'
import { ADMIN_KEY } from '../support/gateway.js'
import { eventually, startJobsGateway } from '../support/jobs-gateway.js'
import { captureLog } from '../support/log-capture.js'
import { sseFromChunkLines, startMockUpstream } from '../support/mock-upstream.js'

const chatBody = { model: 'openai/gpt-4.1-nano', messages: [{ role: 'user', content: 'hi' }] }

describe('access log surfaces of jobs and WebSocket calls', () => {
  it('a job: its submission and its run are both `job` lines, the run under the job id', async () => {
    const upstream = await startMockUpstream(() => ({ json: fixtureJson('openai/vercel-openai-text.json') }))
    const captured = captureLog()
    const gw = await startJobsGateway({ env: { OPENAI_API_KEY: 'sk-upstream', OPENAI_BASE_URL: `${upstream.url}/v1` }, log: captured.log })
    try {
      const key = await gw.createKey({ name: 'jobs' })
      const res = await gw.request('/v1/chat/completions', {
        key, method: 'POST', headers: { 'content-type': 'application/json', prefer: 'respond-async', 'x-request-id': 'req-submit' }, body: JSON.stringify(chatBody),
      })
      expect(res.status).toBe(202)
      const { id } = await res.json() as { id: string }
      await gw.waitForJob(id, key, (job) => job.status === 'succeeded')
      expect(captured.accessLine('req-submit')).toMatchObject({ surface: 'job', status: 202, key_name: 'jobs' })
      expect(captured.accessLine('req-submit')).not.toHaveProperty('targets')
      expect(captured.accessLine(id)).toMatchObject({ surface: 'job', status: 200, key_name: 'jobs', targets: ['openai/gpt-4.1-nano:200'], tokens_in: 16, tokens_out: 363 })
      for (const line of captured.lines) expect(line).not.toContain(key)
    } finally {
      await gw.close()
      await upstream.close()
    }
  })

  it('a WebSocket: the upgrade and each frame\'s call are `ws` lines (Node entry)', async () => {
    const upstream = await startMockUpstream(() => ({ sse: sseFromChunkLines(fixtureText('openai/vercel-openai-text.chunks.txt')) }))
    const captured = captureLog()
    const dir = mkdtempSync(join(tmpdir(), 'manifold-obs-'))
    const gateway = await startNodeGateway({
      PORT: '0', HOST: '127.0.0.1', MANIFOLD_DB: ':memory:', MANIFOLD_ADMIN_KEY: ADMIN_KEY, MANIFOLD_PROMPTS_DIR: join(dir, 'none'),
      OPENAI_API_KEY: 'sk-upstream', OPENAI_BASE_URL: `${upstream.url}/v1`,
    }, captured.log)
    try {
      const key = (await createKey(gateway.deps, { name: 'sockets' })).secret
      const ws = new WebSocket(`${gateway.url.replace(/^http/, 'ws')}/v1/ws`, { headers: { authorization: `Bearer ${key}` } })
      const frames: Array<{ id: string; type: string }> = []
      ws.on('message', (data) => frames.push(JSON.parse(String(data)) as { id: string; type: string }))
      await new Promise<void>((resolve, reject) => {
        ws.once('open', () => resolve())
        ws.once('error', reject)
      })
      ws.send(JSON.stringify({ id: 'f1', type: 'chat.completions.create', body: chatBody }))
      await eventually(() => frames.some((f) => f.id === 'f1' && f.type === 'done'), 'the done frame')
      ws.close()
      const frameCall = () => captured.records().find((r) => r.msg === 'request' && r.surface === 'ws' && r.path === '/v1/chat/completions')
      await eventually(() => frameCall() !== undefined, 'the frame call\'s access line')
      const call = frameCall()!
      expect(call).toMatchObject({ key_name: 'sockets', targets: ['openai/gpt-4.1-nano:200'], stream: 'complete', status: 200 })
      expect(captured.records().find((r) => r.msg === 'request' && r.path === '/v1/ws')).toMatchObject({ surface: 'ws', key_name: 'sockets' })
      for (const line of captured.lines) expect(line).not.toContain(key)
    } finally {
      await gateway.shutdown(1_000)
      await upstream.close()
    }
  })
})
