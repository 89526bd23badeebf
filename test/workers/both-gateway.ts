import { inject } from 'vitest'
import { openD1Store } from '../../src/store/d1.js'
import { callbacksAt, createKeyThrough, keyUsageRowsOf, upstreamSeenAt, usageRowsOf, waitForJobThrough, wsClientOver } from '../both/common.js'
import type { BothGateway, WsUpgrade } from '../both/types.js'
import { ADMIN, bindings, call, worker } from './worker-harness.js'

/**
 * The workerd side of the shared suite (test/both/*.test.ts): the Workers entry through its fetch, D1, the
 * queue consumer and the cron trigger; the mock upstream and the callback receiver run in Node
 * (global-setup.ts) and are reached over loopback.
 */

const upstreamUrl = inject('mockUpstreamUrl')
const db = openD1Store(bindings.DB).db

async function ws(headers: Record<string, string>): Promise<WsUpgrade> {
  const res = await worker.fetch(new Request('http://gateway/v1/ws', { headers: { upgrade: 'websocket', ...headers } }))
  const socket = res.webSocket
  if (res.status !== 101 || !socket) return { status: res.status, body: await res.json() }
  socket.accept()
  return { status: 101, client: wsClientOver(socket, res.headers.get('sec-websocket-protocol')) }
}

export const gateway: BothGateway = {
  runtime: 'workers',
  adminKey: ADMIN,
  call,
  createKey: (fields = {}) => createKeyThrough(call, ADMIN, fields),
  db,
  usageRows: (requestId, count = 1) => usageRowsOf(db, requestId, count),
  keyUsageRows: (keyId, count) => keyUsageRowsOf(db, keyId, count),
  upstreamSeen: (tag, until = (seen) => seen.requests > 0) => upstreamSeenAt(upstreamUrl, tag, until),
  waitForJob: (id, key, until) => waitForJobThrough(call, id, key, until),
  callbackUrl: (tag) => `${bindings.TEST_CALLBACK_RECEIVER_URL}/hooks/${tag}`,
  callbacks: (tag, count) => callbacksAt(bindings.TEST_CALLBACK_RECEIVER_URL, tag, count),
  // scheduled() returns when the sweep has run what it claimed.
  sweepJobs: async () => {
    await worker.scheduled({ cron: '* * * * *' })
  },
  ws,
  wsRefusalHasBody: true,
}
