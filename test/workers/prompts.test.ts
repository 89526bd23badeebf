import { describe, expect, it } from 'vitest'
import recorded from '../fixtures/openai/vercel-openai-text.json' with { type: 'json' }
import { ADMIN, call as callWorker, usageRows, worker } from './worker-harness.js'


const call = (path: string, init: RequestInit = {}) => callWorker(path, { ...init, key: ADMIN })

describe('prompt APIs on workerd (bundled at build time)', () => {
  it('lists the same published prompt APIs as Node', async () => {
    const res = await call('/v1/prompts')
    expect(res.status).toBe(200)
    const body = (await res.json()) as { data: Array<{ name: string }> }
    expect(body.data.map((p) => p.name)).toEqual(['extract-contact', 'sentiment', 'summarize', 'translate'])
  })

  it('calls a prompt and records its usage per prompt name and version in D1', async () => {
    const res = await call('/v1/prompts/translate', {
      method: 'POST', headers: { 'content-type': 'application/json', 'x-request-id': 'wk-prompt-1' },
      body: JSON.stringify({ text: 'Hello', target_language: 'French' }),
    })
    expect(res.status).toBe(200)
    const body = (await res.json()) as { prompt: string; version: string; output: string }
    expect(body).toMatchObject({ prompt: 'translate', version: '1', output: recorded.choices[0]!.message.content })
    const rows = await usageRows('wk-prompt-1')
    expect(rows).toHaveLength(1)
    expect(rows[0]).toMatchObject({ prompt: 'translate', prompt_version: '1', status: 200 })
  })

  it('describes the prompt APIs in /openapi.json', async () => {
    const doc = (await (await call('/openapi.json')).json()) as { openapi: string; paths: Record<string, unknown> }
    expect(doc.openapi).toBe('3.1.0')
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/v1/prompts/sentiment', '/v1/prompts/translate', '/v1/prompts/summarize', '/v1/prompts/extract-contact']))
  })
})

describe('/docs on workerd', () => {
  it('serves the page and the bundled reference script without a key', async () => {
    const page = await worker.fetch(new Request('http://gateway/docs'))
    expect(page.status).toBe(200)
    expect(await page.text()).toContain('<script src="/docs/api-reference.js"></script>')
    const script = await worker.fetch(new Request('http://gateway/docs/api-reference.js'))
    expect(script.status).toBe(200)
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8')
    const text = await script.text()
    expect(text.length).toBeGreaterThan(1_000_000)
    expect(text).toContain('createApiReference')
  })
})
