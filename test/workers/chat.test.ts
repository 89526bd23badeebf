import { describe, expect, it } from 'vitest'
import recorded from '../fixtures/openai/vercel-openai-text.json' with { type: 'json' }
import recordedChunks from '../fixtures/openai/vercel-openai-text.chunks.txt?raw'
import { call, createKey as createHarnessKey, usageRows } from './worker-harness.js'


async function createKey(): Promise<string> {
  return (await createHarnessKey('workers')).key
}

const chatBody = (extra: Record<string, unknown> = {}) =>
  JSON.stringify({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'Hello' }], ...extra })

describe('the gateway on workerd with D1', () => {
  it('answers health without a key and refuses chat without one', async () => {
    expect((await call('/health')).status).toBe(200)
    const res = await call('/v1/chat/completions', { method: 'POST', body: chatBody() })
    expect(res.status).toBe(401)
    expect(await res.json()).toMatchObject({ error: { type: 'invalid_request_error', code: 'missing_api_key' } })
  })

  it('serves a non-streaming completion and records its usage row in D1', async () => {
    const key = await createKey()
    const res = await call('/v1/chat/completions', { method: 'POST', key, headers: { 'content-type': 'application/json', 'x-request-id': 'wk-json-1' }, body: chatBody() })
    expect(res.status).toBe(200)
    const body = (await res.json()) as { choices: Array<{ message: { content: string } }>; usage: { prompt_tokens: number } }
    expect(body).toEqual(recorded)
    const rows = await usageRows('wk-json-1')
    expect(rows).toHaveLength(1)
    expect(rows[0]).toMatchObject({ provider: 'openai', model: 'openai/gpt-4o-mini', status: 200, outcome: 'success', prompt_tokens: body.usage.prompt_tokens })
  })

  it('streams with include_usage, ending in [DONE]', async () => {
    const key = await createKey()
    const res = await call('/v1/chat/completions', {
      method: 'POST', key, headers: { 'content-type': 'application/json', 'x-request-id': 'wk-stream-1' },
      body: chatBody({ stream: true, stream_options: { include_usage: true } }),
    })
    expect(res.status).toBe(200)
    const text = await res.text()
    const frames = text.split('\n\n').filter(Boolean)
    expect(frames.at(-1)).toBe('data: [DONE]')
    const chunks = frames.slice(0, -1).map((f) => JSON.parse(f.slice('data: '.length)) as { choices: Array<{ delta: { content?: string } }>; usage?: { cost_usd?: number } | null })
    const expected = recordedChunks.split('\n').filter(Boolean).map((line) => (JSON.parse(line) as { choices: Array<{ delta: { content?: string } }> }).choices[0]?.delta.content ?? '').join('')
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? '').join('')).toBe(expected)
    expect(chunks.at(-1)!.usage).toMatchObject({ prompt_tokens: expect.any(Number) })
    const rows = await usageRows('wk-stream-1')
    expect(rows[0]).toMatchObject({ stream: 1, outcome: 'success' })
  })

  it('maps an upstream 429 with its Retry-After', async () => {
    const key = await createKey()
    const res = await call('/v1/chat/completions', { method: 'POST', key, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'openai/broken', messages: [{ role: 'user', content: 'x' }] }) })
    expect(res.status).toBe(429)
    expect(res.headers.get('retry-after')).toBe('7')
    expect(await res.json()).toMatchObject({ error: { type: 'rate_limit_error', code: 'rate_limit_exceeded' } })
  })

  it('refuses an upstream redirect instead of following it', async () => {
    const key = await createKey()
    const res = await call('/v1/chat/completions', { method: 'POST', key, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'openai/redirect', messages: [{ role: 'user', content: 'x' }] }) })
    expect(res.status).toBe(502)
    expect(await res.json()).toMatchObject({ error: { type: 'upstream_error', code: 'upstream_redirect' } })
  })
})
