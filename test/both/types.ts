import type { JobView } from '../../src/jobs/job-view.js'
import type { Db } from '../../src/store/store.js'

/** What the mock upstream saw of the calls whose body carried a tag (the probe answers it, in Node). */
export interface UpstreamSeen {
  requests: number
  /** The gateway closed the connection before the response ended. */
  aborted: number
  finished: number
  /** Each request's path, in arrival order (which provider endpoint it reached). */
  paths: string[]
}

/** One callback delivery as the loopback receiver saw it (verified in Node with standardwebhooks). */
export interface DeliveredCallback {
  webhook_id: string | null
  verified: boolean
  status: number
  payload: unknown
}

/** A frame the gateway sent on the WebSocket. */
export interface WsFrame {
  id: string | null
  type: 'chunk' | 'done' | 'error'
  data?: { choices: Array<{ delta: { content?: string } }>; usage?: unknown }
  usage?: Record<string, number> | null
  cost_usd?: number | null
  error?: { message: string; type: string; param: string | null; code: string | null }
}

/** The client end of an accepted WebSocket: every frame received, and a way to wait for a request's end. */
export interface WsClient {
  /** The subprotocol the gateway selected. */
  protocol: string | null
  frames: WsFrame[]
  send(frame: unknown): void
  /** The frame that ended request `id` (done or error). */
  end(id: string): Promise<WsFrame>
  of(id: string): WsFrame[]
  close(): void
}

/** An upgrade the gateway accepted (a client) or refused (its status, and its JSON body or null when none came). */
export type WsUpgrade = { status: 101; client: WsClient } | { status: number; body: unknown }

/**
 * One gateway as the shared end-to-end tests see it, on either runtime: test/both/node-runtime.ts (the real
 * Node entry on loopback) or test/workers/both-gateway.ts (the Workers entry inside workerd). Whatever the
 * runtimes do differently (usage rows written after the response, queue or timer, cron or poll) is hidden
 * here behind bounded polling.
 */
export interface BothGateway {
  runtime: 'node' | 'workers'
  adminKey: string
  /** A request to the gateway, with `key` as its bearer token when given. */
  call(path: string, init?: RequestInit & { key?: string }): Promise<Response>
  /** Issues a virtual key through POST /admin/keys. */
  createKey(fields?: Record<string, unknown>): Promise<{ id: string; key: string }>
  /** The gateway's own database (SQLite on Node, D1 on Workers). */
  db: Db
  /** A request's usage rows once there are `count` (snake_case columns, ordered by attempt). */
  usageRows(requestId: string, count?: number): Promise<Array<Record<string, unknown>>>
  /** A key's usage rows once there are `count`, oldest first. */
  keyUsageRows(keyId: string, count: number): Promise<Array<Record<string, unknown>>>
  /** What the upstream saw for `tag`, once `until` holds (or the polling bound runs out). */
  upstreamSeen(tag: string, until?: (seen: UpstreamSeen) => boolean): Promise<UpstreamSeen>
  /** A callback URL on the loopback receiver; `?fail=N` makes it answer 500 to the first N deliveries. */
  callbackUrl(tag: string): string
  /** The deliveries the receiver saw for `tag`, once there are `count`. */
  callbacks(tag: string, count: number): Promise<DeliveredCallback[]>
  /** Polls GET /v1/jobs/{id} (bounded) until `until` holds: the queue delivers after its batch timeout on Workers, the runner on its poll on Node. */
  waitForJob(id: string, key: string, until: (job: JobView) => boolean): Promise<JobView>
  /** Runs the sweep that finds queued jobs nobody signalled: the cron trigger on Workers, the runner's poll on Node. */
  sweepJobs(): Promise<void>
  /** Opens /v1/ws with these request headers. */
  ws(headers: Record<string, string>): Promise<WsUpgrade>
  /**
   * Whether a refused upgrade carries the error body: workerd returns the app's response as it is, while
   * @hono/node-server answers the status line alone (a browser's WebSocket never sees the body either way).
   */
  wsRefusalHasBody: boolean
}
