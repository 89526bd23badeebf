import { eq } from 'drizzle-orm'
import type { Clock } from '../../src/clock.js'
import { usage } from '../../src/store/schema.js'
import { startTestGateway, type TestGateway } from './gateway.js'
import { startMockUpstream, type MockUpstream } from './mock-upstream.js'

/** A price for every mock model: $1 per million input tokens, $2 per million output tokens. */
const price = { input_per_mtok: 1, output_per_mtok: 2 }

export interface RoutingGatewayOptions {
  routes?: Record<string, unknown>
  aliases?: Record<string, string>
  routing?: Record<string, unknown>
  clock?: Clock
  listen?: boolean
}

export interface RoutingGateway {
  gw: TestGateway
  upstream: MockUpstream
  /** POSTs /v1/chat/completions with the admin key (or `key`), a one-message body, and extra headers. */
  chat(model: string, extra?: Record<string, unknown>, init?: { headers?: Record<string, string>; key?: string; signal?: AbortSignal }): Promise<Response>
  /** The usage rows of one request, by attempt, after a flush. */
  rows(requestId: string): Promise<Array<typeof usage.$inferSelect>>
  close(): Promise<void>
}

/**
 * A gateway whose `openai` provider points at one mock upstream, so that `openai/alpha`, `openai/beta`
 * and `openai/gamma` are three targets the mock tells apart by the model in the body (see perModel).
 */
export async function startRoutingGateway(options: RoutingGatewayOptions = {}): Promise<RoutingGateway> {
  const upstream = await startMockUpstream()
  const gw = await startTestGateway({
    env: { OPENAI_API_KEY: 'sk-upstream-secret', OPENAI_BASE_URL: `${upstream.url}/v1` },
    file: {
      routes: options.routes ?? {},
      aliases: options.aliases ?? {},
      ...(options.routing ? { routing: options.routing } : {}),
      prices: { 'openai/alpha': price, 'openai/beta': price, 'openai/gamma': price },
    },
    clock: options.clock,
    listen: options.listen,
  })
  return {
    gw,
    upstream,
    chat(model, extra = {}, init = {}) {
      return gw.request('/v1/chat/completions', {
        key: init.key,
        method: 'POST',
        signal: init.signal,
        headers: { 'content-type': 'application/json', ...init.headers },
        body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }], ...extra }),
      })
    },
    async rows(requestId) {
      await gw.deps.usage.flush()
      const rows = await gw.deps.store.db.select().from(usage).where(eq(usage.requestId, requestId))
      return rows.sort((a, b) => a.attempt - b.attempt)
    },
    async close() {
      await gw.close()
      await upstream.close()
    },
  }
}
