import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, beforeEach } from 'vitest'
import type { Clock } from '../../src/clock.js'
import { responses, usage } from '../../src/store/schema.js'
import { startTestGateway, type TestGateway } from './gateway.js'
import { startMockUpstream, type MockUpstream } from './mock-upstream.js'

/**
 * A gateway on one mock upstream for /v1/responses tests: OpenAI at /v1 (native Responses calls land on
 * /v1/responses) and an OpenAI-compatible backend at /compat/v1 (translated calls land on
 * /compat/v1/chat/completions). Routes: `duo` races both, `every` is an `all` route.
 */
export interface ResponsesGateway {
  gw: TestGateway
  upstream: MockUpstream
  key: string
  post(body: unknown, options?: { key?: string; headers?: Record<string, string>; signal?: AbortSignal }): Promise<Response>
  usageRows(requestId?: string): Promise<Array<typeof usage.$inferSelect>>
  storedIds(): Promise<string[]>
  close(): Promise<void>
}

export async function startResponsesGateway(options: { clock?: Clock; file?: Record<string, unknown> } = {}): Promise<ResponsesGateway> {
  const upstream = await startMockUpstream()
  const gw = await startTestGateway({
    clock: options.clock,
    env: { OPENAI_API_KEY: 'sk-upstream-openai', OPENAI_BASE_URL: `${upstream.url}/v1`, COMPAT_API_KEY: 'upstream-compat' },
    file: {
      providers: { compat: { type: 'openai-compatible', base_url: `${upstream.url}/compat/v1`, api_key_env: 'COMPAT_API_KEY' } },
      routes: {
        duo: { strategy: 'race', targets: ['openai/gpt-4.1-nano', 'compat/deepseek-chat'] },
        every: { strategy: 'all', targets: ['openai/gpt-4.1-nano', 'compat/deepseek-chat'] },
      },
      ...options.file,
    },
  })
  const key = await gw.createKey({ name: 'responses' })
  return {
    gw, upstream, key,
    post(body, { key: as = key, headers = {}, signal } = {}) {
      return gw.request('/v1/responses', { method: 'POST', key: as, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body), signal })
    },
    async usageRows(requestId) {
      await gw.deps.usage.flush()
      const query = gw.deps.store.db.select().from(usage)
      return requestId ? query.where(eq(usage.requestId, requestId)) : query
    },
    async storedIds() {
      const rows = await gw.deps.store.db.select({ id: responses.id }).from(responses)
      return rows.map((r) => r.id)
    },
    async close() {
      await gw.close()
      await upstream.close()
    },
  }
}

/**
 * One gateway for a test file's describe block: started before its tests, closed after them, the
 * upstream's request log cleared before each. The returned object reads through to it.
 */
export function useResponsesGateway(options: { clock?: Clock; file?: Record<string, unknown> } = {}): ResponsesGateway {
  let current: ResponsesGateway | undefined
  const started = () => {
    if (!current) throw new Error('the gateway starts in beforeAll')
    return current
  }
  beforeAll(async () => {
    current = await startResponsesGateway(options)
  })
  afterAll(() => current?.close())
  beforeEach(() => {
    if (current) current.upstream.requests.length = 0
  })
  return {
    get gw() { return started().gw },
    get upstream() { return started().upstream },
    get key() { return started().key },
    post: (body, postOptions) => started().post(body, postOptions),
    usageRows: (requestId) => started().usageRows(requestId),
    storedIds: () => started().storedIds(),
    close: () => started().close(),
  }
}
