import { fixtureJson } from './fixtures.js'
import { startTestGateway, type TestGateway, type TestGatewayOptions } from './gateway.js'
import { SteppingClock } from './metering-clock.js'
import { startMockUpstream, type MockUpstream } from './mock-upstream.js'

/** 2026-07-24T12:00:00Z: a Friday, mid-month, so every budget period has room on both sides. */
export const METERING_T0 = Date.UTC(2026, 6, 24, 12)

export interface MeteredGateway {
  gw: TestGateway
  upstream: MockUpstream
  clock: SteppingClock
  /** POST /v1/chat/completions with a virtual key (null: no key). */
  chat(key: string | null, body?: Record<string, unknown>): Promise<Response>
  /** A JSON admin call. */
  admin(method: string, path: string, body?: unknown, key?: string): Promise<Response>
  close(): Promise<void>
}

/** The gateway on a stepping clock, OpenAI pointed at a mock that answers the recorded gpt-4.1-nano reply (16 + 363 tokens). */
export async function startMeteredGateway(options: { file?: Record<string, unknown>; env?: Record<string, string> } & Pick<TestGatewayOptions, 'log' | 'assemble'> = {}): Promise<MeteredGateway> {
  const upstream = await startMockUpstream(() => ({ json: fixtureJson('openai/vercel-openai-text.json') }))
  const clock = new SteppingClock(METERING_T0)
  const gw = await startTestGateway({
    env: { OPENAI_API_KEY: 'sk-upstream', OPENAI_BASE_URL: `${upstream.url}/v1`, ...options.env },
    file: options.file,
    clock,
    log: options.log,
    assemble: options.assemble,
  })
  return {
    gw, upstream, clock,
    chat(key, body = {}) {
      return gw.request('/v1/chat/completions', {
        key,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'openai/gpt-4.1-nano', messages: [{ role: 'user', content: 'hi' }], ...body }),
      })
    },
    admin(method, path, body, key) {
      return gw.request(path, {
        key: key ?? gw.adminKey,
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      })
    },
    async close() {
      await gw.close()
      await upstream.close()
    },
  }
}

/** The x-ratelimit-* headers of a response, for exact comparison. */
export function rateLimitHeaders(res: Response): Record<string, string> {
  const out: Record<string, string> = {}
  res.headers.forEach((value, name) => {
    if (name.startsWith('x-ratelimit-') || name === 'retry-after') out[name] = value
  })
  return out
}
