import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { PromptCatalog } from '../../src/prompt-api/catalog.js'
import { startTestGateway, type TestGateway } from '../support/gateway.js'
import { startMockUpstream, type MockUpstream } from '../support/mock-upstream.js'
import { basicFront, completionWith, promptSource } from '../support/prompt-files.js'

/**
 * One prompt, `greet`, in every state at once: v1 retired → v2, v2 deprecated → v3, v3 published,
 * v4 draft. Plus `notes`, published, for key restrictions; and `gone`, whose only version is retired.
 */
function lifecycleCatalog(): PromptCatalog {
  const greet = (version: number, status: string, extra: Record<string, unknown> = {}) =>
    promptSource(`prompts/greet.v${version}.md`, basicFront({ name: 'greet', version, status, description: `Greets, v${version}.`, ...extra }), `# user\nv${version}: {{text}}\n`)
  return new PromptCatalog([
    greet(1, 'retired', { successor: 2 }),
    greet(2, 'deprecated', { successor: 3, sunset: '2026-12-31', deprecated_at: '2026-06-30' }),
    greet(3, 'published'),
    greet(4, 'draft'),
    promptSource('prompts/notes.v1.md', basicFront({ name: 'notes' })),
    promptSource('prompts/gone.v1.md', basicFront({ name: 'gone', status: 'retired' })),
  ])
}

describe('prompt lifecycle, versions and key restrictions', () => {
  let upstream: MockUpstream
  let gw: TestGateway
  let userKey: string

  beforeAll(async () => {
    upstream = await startMockUpstream(() => ({ json: completionWith('hello') }))
    const prompts = lifecycleCatalog()
    expect(prompts.report).toEqual({ loaded: 6, errors: [], warnings: [] })
    gw = await startTestGateway({ env: { OPENAI_API_KEY: 'sk-upstream', OPENAI_BASE_URL: `${upstream.url}/v1` }, assemble: { prompts } })
    userKey = await gw.createKey()
  })
  afterAll(async () => {
    await gw.close()
    await upstream.close()
  })
  beforeEach(() => {
    upstream.requests.length = 0
  })

  const call = (path: string, key: string = userKey) =>
    gw.request(path, { method: 'POST', key, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text: 'Ann' }) })
  const sentContent = () => (upstream.requests.at(-1)!.body as { messages: Array<{ content: string }> }).messages[0]!.content

  it('the plain path calls the latest published version, without lifecycle headers', async () => {
    const res = await call('/v1/prompts/greet')
    expect(res.status).toBe(200)
    expect((await res.json() as { version: string }).version).toBe('3')
    expect(sentContent()).toBe('v3: Ann')
    expect(res.headers.get('deprecation')).toBeNull()
    expect(res.headers.get('sunset')).toBeNull()
    expect(res.headers.get('link')).toBeNull()
  })

  it('a published version is reachable by its version path', async () => {
    const res = await call('/v1/prompts/greet/versions/3')
    expect(res.status).toBe(200)
    expect(res.headers.get('x-manifold-prompt')).toBe('greet@3')
  })

  it('a deprecated version is served with Deprecation, Sunset and a Link to its successor', async () => {
    const res = await call('/v1/prompts/greet/versions/2')
    expect(res.status).toBe(200)
    expect((await res.json() as { version: string }).version).toBe('2')
    expect(sentContent()).toBe('v2: Ann')
    expect(res.headers.get('deprecation')).toBe(`@${Date.UTC(2026, 5, 30) / 1000}`)
    expect(res.headers.get('sunset')).toBe('Thu, 31 Dec 2026 00:00:00 GMT')
    expect(res.headers.get('link')).toBe('</v1/prompts/greet/versions/3>; rel="successor-version"')
  })

  it('a retired version is 410 Gone, naming its successor', async () => {
    const res = await call('/v1/prompts/greet/versions/1')
    expect(res.status).toBe(410)
    expect(res.headers.get('link')).toBe('</v1/prompts/greet/versions/2>; rel="successor-version"')
    expect(await res.json()).toEqual({
      error: {
        message: 'Version 1 of the prompt API `greet` is retired; use version 2 (POST /v1/prompts/greet/versions/2).',
        type: 'invalid_request_error', param: null, code: 'prompt_retired',
      },
    })
    expect(upstream.requests).toHaveLength(0)
  })

  it('a prompt whose only version is retired answers 410 on its plain path too', async () => {
    const res = await call('/v1/prompts/gone')
    expect(res.status).toBe(410)
    expect((await res.json() as { error: { message: string } }).error.message).toBe('Version 1 of the prompt API `gone` is retired; it has no successor.')
  })

  it('a draft is callable with the admin key only', async () => {
    const denied = await call('/v1/prompts/greet/versions/4')
    expect(denied.status).toBe(403)
    expect(await denied.json()).toEqual({ error: { message: 'Version 4 of `greet` is a draft; only the admin key may call it.', type: 'permission_error', param: null, code: 'prompt_draft' } })
    const admin = await call('/v1/prompts/greet/versions/4', gw.adminKey)
    expect(admin.status).toBe(200)
    expect(sentContent()).toBe('v4: Ann')
  })

  it('an unknown version is a 404', async () => {
    const res = await call('/v1/prompts/greet/versions/9')
    expect(res.status).toBe(404)
    expect((await res.json() as { error: { message: string } }).error.message).toBe('The prompt API `greet` has no version 9.')
  })

  it('GET /v1/prompts lists published versions; drafts appear in the version list for the admin only', async () => {
    const list = async (key: string) => (await (await gw.request('/v1/prompts', { key })).json()) as { data: Array<{ name: string; version: string; versions: Array<{ version: string; status: string }> }> }
    const asUser = await list(userKey)
    expect(asUser.data.map((p) => `${p.name}@${p.version}`)).toEqual(['greet@3', 'notes@1'])
    expect(asUser.data[0]!.versions.map((v) => `${v.version}:${v.status}`)).toEqual(['1:retired', '2:deprecated', '3:published'])
    const asAdmin = await list(gw.adminKey)
    expect(asAdmin.data[0]!.versions.map((v) => v.version)).toEqual(['1', '2', '3', '4'])
  })

  it('a key limited to some prompt APIs gets 403 for the others, and sees only its own', async () => {
    const limited = await gw.createKey({ prompts: ['gre*'] })
    expect((await call('/v1/prompts/greet', limited)).status).toBe(200)
    const denied = await call('/v1/prompts/notes', limited)
    expect(denied.status).toBe(403)
    expect(await denied.json()).toEqual({ error: { message: 'This API key is not allowed to use the prompt API `notes`.', type: 'permission_error', param: null, code: 'prompt_not_allowed' } })
    const listed = await (await gw.request('/v1/prompts', { key: limited })).json() as { data: Array<{ name: string }> }
    expect(listed.data.map((p) => p.name)).toEqual(['greet'])
    const doc = await (await gw.request('/openapi.json', { key: limited })).json() as { paths: Record<string, unknown> }
    expect(Object.keys(doc.paths).filter((p) => p.startsWith('/v1/prompts/') && !p.includes('{'))).toEqual(['/v1/prompts/greet/versions/2', '/v1/prompts/greet/versions/3', '/v1/prompts/greet'])
  })

  it('a key with an empty prompt list may call none', async () => {
    const none = await gw.createKey({ prompts: [] })
    expect((await call('/v1/prompts/greet', none)).status).toBe(403)
  })

  it('prompt calls need a key like every other route', async () => {
    const res = await gw.request('/v1/prompts/greet', { method: 'POST', key: null, body: '{}' })
    expect(res.status).toBe(401)
  })
})
