import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PromptCatalog } from '../../src/prompt-api/catalog.js'
import { startTestGateway, type TestGateway } from '../support/gateway.js'
import { basicFront, promptSource } from '../support/prompt-files.js'

/** `greet` with a retired, a deprecated and a published version; `notes`, published. */
function catalog(): PromptCatalog {
  const greet = (version: number, status: string, extra: Record<string, unknown> = {}) =>
    promptSource(`prompts/greet.v${version}.md`, basicFront({ name: 'greet', version, status, description: `Greets, v${version}.`, ...extra }))
  return new PromptCatalog([
    greet(1, 'retired', { successor: 2 }),
    greet(2, 'deprecated', { successor: 3, sunset: '2026-12-31', deprecated_at: '2026-06-30' }),
    greet(3, 'published'),
    promptSource('prompts/notes.v1.md', basicFront({ name: 'notes', description: 'Takes notes.' })),
  ])
}

interface Listed { name: string; allowed: boolean; version: string; versions: unknown[] }

describe('the prompt catalog for the portal: prompts a key may ask for, lifecycle dates, one version described', () => {
  let gw: TestGateway
  let limited: string
  beforeAll(async () => {
    gw = await startTestGateway({ assemble: { prompts: catalog() } })
    limited = await gw.createKey({ prompts: ['greet'] })
  })
  afterAll(() => gw.close())

  const list = async (path: string, key: string) => ((await (await gw.request(path, { key })).json()) as { data: Listed[] }).data

  it('lists only what the key may call by default, and with include=requestable the others too, marked not allowed', async () => {
    expect((await list('/v1/prompts', limited)).map((p) => [p.name, p.allowed])).toEqual([['greet', true]])
    expect((await list('/v1/prompts?include=requestable', limited)).map((p) => [p.name, p.allowed, p.version])).toEqual([['greet', true, '3'], ['notes', false, '1']])
    expect((await list('/v1/prompts?include=requestable', gw.adminKey)).map((p) => p.allowed)).toEqual([true, true])
  })

  it('every version carries its lifecycle dates and successor', async () => {
    const [greet] = await list('/v1/prompts', limited)
    expect(greet!.versions).toEqual([
      { version: '1', status: 'retired', path: '/v1/prompts/greet/versions/1', successor: '2' },
      { version: '2', status: 'deprecated', path: '/v1/prompts/greet/versions/2', deprecated_at: '2026-06-30', sunset: '2026-12-31', successor: '3' },
      { version: '3', status: 'published', path: '/v1/prompts/greet/versions/3' },
    ])
  })

  it('GET /v1/prompts/{name}/versions/{version} describes that version, with its lifecycle headers', async () => {
    const res = await gw.request('/v1/prompts/greet/versions/2', { key: limited })
    expect(res.status).toBe(200)
    expect(res.headers.get('deprecation')).toBe(`@${Date.parse('2026-06-30T00:00:00Z') / 1000}`)
    expect(res.headers.get('sunset')).toBe('Thu, 31 Dec 2026 00:00:00 GMT')
    expect(res.headers.get('link')).toBe('</v1/prompts/greet/versions/3>; rel="successor-version"')
    expect(await res.json()).toMatchObject({ object: 'prompt', name: 'greet', version: '2', status: 'deprecated', allowed: true, description: 'Greets, v2.' })
  })

  it('a version answers as calling it would: 410 retired, 404 unknown, 403 for a key without access', async () => {
    const status = async (path: string) => (await gw.request(path, { key: limited })).status
    expect(await status('/v1/prompts/greet/versions/1')).toBe(410)
    expect(await status('/v1/prompts/greet/versions/9')).toBe(404)
    expect(await status('/v1/prompts/notes/versions/1')).toBe(403)
  })
})
