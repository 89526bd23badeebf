import { Validator } from '@seriousme/openapi-schema-validator'
import { Ajv2020 } from 'ajv/dist/2020.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PromptCatalog } from '../../src/prompt-api/catalog.js'
import { startTestGateway, type TestGateway } from '../support/gateway.js'
import { startMockUpstream, type MockUpstream } from '../support/mock-upstream.js'
import { basicFront, completionWith, promptSource, shippedPrompts } from '../support/prompt-files.js'

interface OpenApiDoc {
  openapi: string
  paths: Record<string, Record<string, { operationId: string; deprecated?: boolean; requestBody?: { content: Record<string, { schema: { $ref: string } }> }; responses: Record<string, { content?: Record<string, { schema: { $ref?: string } }> }> }>>
  components: { schemas: Record<string, Record<string, unknown>> }
}

describe('GET /openapi.json', () => {
  let upstream: MockUpstream
  let gw: TestGateway
  let doc: OpenApiDoc

  beforeAll(async () => {
    upstream = await startMockUpstream()
    const prompts = new PromptCatalog([
      ...shippedPrompts(),
      promptSource('prompts/sentiment.v0.md', basicFront({ name: 'sentiment', version: 0, status: 'deprecated', successor: 1, sunset: '2026-12-31' })),
      promptSource('prompts/sentiment.v2.md', basicFront({ name: 'sentiment', version: 2, status: 'draft' })),
      promptSource('prompts/old.v1.md', basicFront({ name: 'old', status: 'retired' })),
    ])
    expect(prompts.report.errors).toEqual([])
    gw = await startTestGateway({ env: { OPENAI_API_KEY: 'sk-upstream', OPENAI_BASE_URL: `${upstream.url}/v1` }, assemble: { prompts } })
    const res = await gw.request('/openapi.json')
    expect(res.status).toBe(200)
    doc = await res.json() as OpenApiDoc
  })
  afterAll(async () => {
    await gw.close()
    await upstream.close()
  })

  it('is a valid OpenAPI 3.1 document', async () => {
    expect(doc.openapi).toBe('3.1.0')
    const result = await new Validator().validate(doc as unknown as Record<string, unknown>)
    expect(result.errors).toBeUndefined()
    expect(result.valid).toBe(true)
    // The validator does reject a broken document (info without title and version).
    expect((await new Validator().validate({ openapi: '3.1.0', info: {}, paths: {} })).valid).toBe(false)
  })

  it('every schema in it compiles as JSON Schema 2020-12, and operation ids are unique', () => {
    const ajv = new Ajv2020({ strict: false })
    ajv.addSchema({ $id: 'doc', components: doc.components })
    for (const name of Object.keys(doc.components.schemas)) expect(() => ajv.compile({ $ref: `doc#/components/schemas/${name}` }), name).not.toThrow()
    const ids = Object.values(doc.paths).flatMap((item) => Object.values(item).map((op) => op.operationId))
    expect(new Set(ids).size).toBe(ids.length)
  })

  it('describes the whole gateway', () => {
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining([
      '/health', '/v1/chat/completions', '/v1/embeddings', '/v1/models', '/v1/prompts', '/v1/prompts/{name}', '/v1/jobs', '/v1/jobs/{id}', '/admin/keys', '/admin/keys/{id}', '/admin/usage', '/openapi.json',
    ]))
    expect(doc.components.schemas.ChatCompletionRequest).toMatchObject({ type: 'object', required: ['model', 'messages'] })
  })

  it('documents every route the app serves (a new route needs its entry in src/prompt-api/openapi-core.ts)', () => {
    const undocumentedByDesign = new Set(['GET /docs', 'GET /docs/api-reference.js'])
    // The dashboard's HTML pages (signed in by cookie) are not part of the JSON API the document describes.
    const isDashboardPage = (path: string) => path === '/ui' || path.startsWith('/ui/')
    const served = gw.app.routes
      .filter((r) => r.method !== 'ALL' && !isDashboardPage(r.path))
      .map((r) => `${r.method} ${r.path.replace(/:([A-Za-z_]+)/g, '{$1}')}`)
      .filter((r) => !undocumentedByDesign.has(r))
    const documented = Object.entries(doc.paths).flatMap(([path, item]) => Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`))
    expect([...new Set(served)].filter((r) => !documented.includes(r))).toEqual([])
  })

  it.each(['sentiment', 'translate', 'summarize', 'extract-contact'])('%s is its own operation with its own request and response schemas', (name) => {
    const prompt = new PromptCatalog(shippedPrompts()).latestPublished(name)!
    const op = doc.paths[`/v1/prompts/${name}`]!.post!
    expect(op.operationId).toBe(`prompt_${name.replace('-', '_')}`)
    expect(op.requestBody!.content['application/json']!.schema).toEqual({ $ref: `#/components/schemas/${name}.v1.Input` })
    expect(doc.components.schemas[`${name}.v1.Input`]).toEqual({ ...prompt.input, additionalProperties: false })
    expect(op.responses['200']!.content!['application/json']!.schema).toEqual({ $ref: `#/components/schemas/${name}.v1.Result` })
    expect((doc.components.schemas[`${name}.v1.Result`]!.properties as { output: unknown }).output).toEqual(prompt.output ?? { type: 'string' })
    expect(doc.paths[`/v1/prompts/${name}/versions/1`]!.post!.operationId).toBe(`prompt_${name.replace('-', '_')}_v1`)
  })

  it('marks deprecated versions, and leaves drafts and retired versions out', () => {
    expect(doc.paths['/v1/prompts/sentiment/versions/0']!.post!.deprecated).toBe(true)
    expect(doc.paths['/v1/prompts/sentiment/versions/2']).toBeUndefined()
    expect(doc.paths['/v1/prompts/old']).toBeUndefined()
    expect(doc.paths['/v1/prompts/old/versions/1']).toBeUndefined()
  })

  it('a real answer and a real 400 validate against the schemas the document gives', async () => {
    upstream.setHandler(() => ({ json: completionWith('{"label":"negative","score":0.7}') }))
    const ajv = new Ajv2020({ strict: false })
    ajv.addSchema({ $id: 'doc', components: doc.components })
    const ok = await gw.request('/v1/prompts/sentiment', { method: 'POST', body: JSON.stringify({ text: 'meh' }) })
    const validResult = ajv.compile({ $ref: 'doc#/components/schemas/sentiment.v1.Result' })
    expect(validResult(await ok.json()), JSON.stringify(validResult.errors)).toBe(true)
    expect(validResult({ id: 'x', prompt: 'sentiment', version: '1', model: 'm', output: { label: 'great', score: 1 }, usage: {}, cost_usd: null })).toBe(false)
    const bad = await gw.request('/v1/prompts/sentiment', { method: 'POST', body: JSON.stringify({}) })
    expect(ajv.compile({ $ref: 'doc#/components/schemas/Error' })(await bad.json())).toBe(true)
  })

  it('needs a key', async () => {
    expect((await gw.request('/openapi.json', { key: null })).status).toBe(401)
  })
})
