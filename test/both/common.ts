import { sql } from 'drizzle-orm'
import type { JobView } from '../../src/jobs/job-view.js'
import type { Db } from '../../src/store/store.js'
import type { DeliveredCallback, UpstreamSeen, WsClient, WsFrame } from './types.js'

/** Web APIs only: both runtime implementations share these (test/both/node-runtime.ts, test/workers/both-gateway.ts). */

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** Reads `read` until `done` holds, a bounded number of times; returns the last value either way. */
export async function pollUntil<T>(read: () => Promise<T>, done: (value: T) => boolean, tries = 400, everyMs = 25): Promise<T> {
  let value = await read()
  for (let i = 1; i < tries && !done(value); i++) {
    await pause(everyMs)
    value = await read()
  }
  return value
}

/** Usage rows are written after the response (a batch on Node, waitUntil on Workers): polled until there are `count`. */
export function usageRowsOf(db: Db, requestId: string, count: number): Promise<Array<Record<string, unknown>>> {
  return pollUntil(() => db.all<Record<string, unknown>>(sql`SELECT * FROM usage WHERE request_id = ${requestId} ORDER BY attempt`), (rows) => rows.length >= count)
}

export function keyUsageRowsOf(db: Db, keyId: string, count: number): Promise<Array<Record<string, unknown>>> {
  return pollUntil(() => db.all<Record<string, unknown>>(sql`SELECT * FROM usage WHERE key_id = ${keyId} ORDER BY id`), (rows) => rows.length >= count)
}

export function upstreamSeenAt(upstreamUrl: string, tag: string, until: (seen: UpstreamSeen) => boolean): Promise<UpstreamSeen> {
  return pollUntil(async () => (await (await fetch(`${upstreamUrl}/probe?tag=${encodeURIComponent(tag)}`)).json()) as UpstreamSeen, until)
}

export async function callbacksAt(receiverUrl: string, tag: string, count: number): Promise<DeliveredCallback[]> {
  const seen = await pollUntil(async () => (await (await fetch(`${receiverUrl}/received/${tag}`)).json()) as DeliveredCallback[], (all) => all.length >= count)
  if (seen.length < count) throw new Error(`the receiver saw ${seen.length} deliveries for ${tag}, expected ${count}`)
  return seen
}

type Call = (path: string, init: RequestInit & { key?: string }) => Promise<Response>

export async function waitForJobThrough(call: Call, id: string, key: string, until: (job: JobView) => boolean): Promise<JobView> {
  const job = await pollUntil(async () => {
    const res = await call(`/v1/jobs/${id}`, { key })
    if (res.status !== 200) throw new Error(`GET /v1/jobs/${id} answered ${res.status}`)
    return (await res.json()) as JobView
  }, until, 400, 50)
  if (!until(job)) throw new Error(`job ${id} never got there; last seen: ${JSON.stringify(job)}`)
  return job
}

export async function createKeyThrough(call: Call, adminKey: string, fields: Record<string, unknown>): Promise<{ id: string; key: string }> {
  const res = await call('/admin/keys', { method: 'POST', key: adminKey, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'both', ...fields }) })
  if (res.status !== 201) throw new Error(`POST /admin/keys answered ${res.status}: ${await res.text()}`)
  return (await res.json()) as { id: string; key: string }
}

/** The part of a WebSocket both runtimes' clients have (workerd's WebSocket, the ws package's). */
export interface SocketLike {
  send(text: string): void
  close(code?: number, reason?: string): void
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void
  addEventListener(type: 'close', listener: () => void): void
}

/** Collects a socket's frames; `end(id)` waits for the frame that ends request `id` (the test timeout bounds it). */
export function wsClientOver(socket: SocketLike, protocol: string | null): WsClient {
  const frames: WsFrame[] = []
  let waiters: Array<() => void> = []
  let closed = false
  const wake = () => {
    const waiting = waiters
    waiters = []
    for (const resolve of waiting) resolve()
  }
  socket.addEventListener('message', (event) => {
    frames.push(JSON.parse(String(event.data)) as WsFrame)
    wake()
  })
  socket.addEventListener('close', () => {
    closed = true
    wake()
  })
  return {
    protocol,
    frames,
    send: (frame) => socket.send(typeof frame === 'string' ? frame : JSON.stringify(frame)),
    async end(id) {
      for (;;) {
        const found = frames.find((f) => f.id === id && (f.type === 'done' || f.type === 'error'))
        if (found) return found
        if (closed) throw new Error(`the socket closed before request ${id} ended`)
        await new Promise<void>((resolve) => waiters.push(resolve))
      }
    },
    of: (id) => frames.filter((f) => f.id === id),
    close: () => socket.close(1000, 'done'),
  }
}
