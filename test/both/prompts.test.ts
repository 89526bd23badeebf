import { describe, expect, it } from 'vitest'
import recorded from '../fixtures/openai/vercel-openai-text.json' with { type: 'json' }
import { gateway } from './harness.js'

const call = (path: string, init: RequestInit = {}) => gateway.call(path, { ...init, key: gateway.adminKey })

describe(`prompt APIs (${gateway.runtime}; bundled at build time on Workers, read from prompts/ on Node)`, () => {
  it('lists the same published prompt APIs', async () => {
    const res = await call('/v1/prompts')
    expect(res.status).toBe(200)
    const body = (await res.json()) as { data: Array<{ name: string }> }
    expect(body.data.map((p) => p.name)).toEqual(['extract-contact', 'sentiment', 'summarize', 'translate'])
  })

  it('calls a prompt and records its usage per prompt name and version', async () => {
    const requestId = `prompt-${crypto.randomUUID()}`
    const res = await call('/v1/prompts/translate', {
      method: 'POST', headers: { 'content-type': 'application/json', 'x-request-id': requestId },
      body: JSON.stringify({ text: 'Hello', target_language: 'French' }),
    })
    expect(res.status).toBe(200)
    expect(await res.json()).toMatchObject({ prompt: 'translate', version: '1', output: recorded.choices[0]!.message.content })
    expect(await gateway.usageRows(requestId)).toEqual([expect.objectContaining({ prompt: 'translate', prompt_version: '1', status: 200 })])
  })

  it('describes the prompt APIs in /openapi.json', async () => {
    const doc = (await (await call('/openapi.json')).json()) as { openapi: string; paths: Record<string, unknown> }
    expect(doc.openapi).toBe('3.1.0')
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/v1/prompts/sentiment', '/v1/prompts/translate', '/v1/prompts/summarize', '/v1/prompts/extract-contact']))
  })

  it('serves /docs and its reference script from the gateway itself, without a key', async () => {
    const page = await gateway.call('/docs')
    expect(page.status).toBe(200)
    expect(await page.text()).toContain('<script src="/docs/api-reference.js"></script>')
    const script = await gateway.call('/docs/api-reference.js')
    expect(script.status).toBe(200)
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8')
    const text = await script.text()
    expect(text.length).toBeGreaterThan(1_000_000)
    expect(text).toContain('createApiReference')
  })
})
