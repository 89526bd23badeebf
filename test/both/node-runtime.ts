import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll } from 'vitest'
import { WebSocket } from 'ws'
import { silentLogger } from '../../src/log.js'
import { startNodeGateway } from '../../src/node.js'
import { startWorkersCallbackReceiver } from '../support/workers-callback-receiver.js'
import { callbacksAt, createKeyThrough, keyUsageRowsOf, upstreamSeenAt, usageRowsOf, waitForJobThrough, wsClientOver } from './common.js'
import { BOTH_ADMIN_KEY, BOTH_WEBHOOK_SECRET, bothEnv, bothFileConfig } from './config.js'
import type { BothGateway, WsUpgrade } from './types.js'
import { startBothUpstream } from './upstream.js'

/**
 * The Node side of the shared suite: the real Node entry (src/node.ts startNodeGateway: HTTP on loopback,
 * the ws server, the job runner) on an in-memory SQLite database, with the mock upstream and the callback
 * receiver in this process. One gateway per test file, shut down after it.
 */

const upstream = await startBothUpstream()
const receiver = await startWorkersCallbackReceiver(BOTH_WEBHOOK_SECRET)
const configDir = mkdtempSync(join(tmpdir(), 'manifold-both-'))
const configPath = join(configDir, 'config.json')
writeFileSync(configPath, JSON.stringify(bothFileConfig(upstream.url)))
const node = await startNodeGateway({
  ...bothEnv(upstream.url), HOST: '127.0.0.1', PORT: '0', MANIFOLD_DB: ':memory:', MANIFOLD_CONFIG: configPath, MANIFOLD_JOB_LEASE_MS: '3000',
}, silentLogger)

afterAll(async () => {
  await node.shutdown(1_000)
  await upstream.close()
  await receiver.close()
  rmSync(configDir, { recursive: true, force: true })
})

function call(path: string, init: RequestInit & { key?: string } = {}): Promise<Response> {
  const { key, ...rest } = init
  const headers = new Headers(rest.headers)
  if (key !== undefined) headers.set('authorization', `Bearer ${key}`)
  return fetch(`${node.url}${path}`, { ...rest, headers })
}

function ws(headers: Record<string, string>): Promise<WsUpgrade> {
  const offered = (headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim()).filter(Boolean)
  const rest = Object.fromEntries(Object.entries(headers).filter(([name]) => name !== 'sec-websocket-protocol'))
  const socket = new WebSocket(`${node.url.replace('http', 'ws')}/v1/ws`, offered, { headers: rest })
  return new Promise((resolve, reject) => {
    socket.once('open', () => resolve({ status: 101, client: wsClientOver(socket, socket.protocol || null) }))
    socket.once('unexpected-response', (_req, res) => {
      let text = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => { text += chunk })
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) as unknown : null }))
    })
    socket.once('error', reject)
  })
}

export const gateway: BothGateway = {
  runtime: 'node',
  adminKey: BOTH_ADMIN_KEY,
  call,
  createKey: (fields = {}) => createKeyThrough(call, BOTH_ADMIN_KEY, fields),
  db: node.deps.store.db,
  usageRows: (requestId, count = 1) => usageRowsOf(node.deps.store.db, requestId, count),
  keyUsageRows: (keyId, count) => keyUsageRowsOf(node.deps.store.db, keyId, count),
  upstreamSeen: (tag, until = (seen) => seen.requests > 0) => upstreamSeenAt(upstream.url, tag, until),
  waitForJob: (id, key, until) => waitForJobThrough(call, id, key, until),
  callbackUrl: (tag) => `${receiver.url}/hooks/${tag}`,
  callbacks: (tag, count) => callbacksAt(receiver.url, tag, count),
  // The runner polls the jobs table itself (every second): nothing to trigger, the caller's polling waits for it.
  sweepJobs: () => Promise.resolve(),
  ws,
  // @hono/node-server refuses an upgrade with the status line alone (Content-Length: 0).
  wsRefusalHasBody: false,
}
