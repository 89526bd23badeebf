import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { uiRoutes } from '../../src/ui/routes.js'
import { KEY_KINDS, startHardeningGateway, type HardeningGateway, type KeyKind } from '../support/hardening-gateway.js'

const chat = { model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }

/** A request each route accepts from a key allowed to use it: path parameters filled, a valid body. */
interface RouteCall { path: string; body?: unknown }

/** Every route the app serves, by `METHOD path` as hono lists it. A new route fails the first test until added here. */
const routeCalls = (h: HardeningGateway): Record<string, RouteCall> => ({
  'GET /health': { path: '/health' },
  'GET /health/targets': { path: '/health/targets' },
  'POST /v1/chat/completions': { path: '/v1/chat/completions', body: chat },
  'POST /v1/embeddings': { path: '/v1/embeddings', body: { model: 'openai/text-embedding-3-small', input: 'hi' } },
  'GET /v1/models': { path: '/v1/models' },
  'POST /admin/keys': { path: '/admin/keys', body: { name: 'made-in-matrix' } },
  'GET /admin/keys': { path: '/admin/keys' },
  'GET /admin/keys/:id': { path: `/admin/keys/${h.normalKeyId}` },
  'PATCH /admin/keys/:id': { path: `/admin/keys/${h.normalKeyId}`, body: { team: 'matrix' } },
  'POST /admin/keys/:id/rotate': { path: '/admin/keys/key_does_not_exist/rotate' },
  'DELETE /admin/keys/:id': { path: '/admin/keys/key_does_not_exist' },
  'GET /admin/usage': { path: '/admin/usage' },
  'GET /admin/requests': { path: '/admin/requests' },
  'GET /admin/requests/:request_id': { path: '/admin/requests/req_does_not_exist' },
  'GET /admin/prices': { path: '/admin/prices' },
  'GET /metrics': { path: '/metrics' },
  'GET /v1/prompts': { path: '/v1/prompts' },
  'GET /v1/prompts/:name': { path: '/v1/prompts/sentiment' },
  'POST /v1/prompts/:name': { path: '/v1/prompts/sentiment', body: { text: 'I love it' } },
  'POST /v1/prompts/:name/versions/:version': { path: '/v1/prompts/sentiment/versions/1', body: { text: 'I love it' } },
  'GET /v1/prompts/:name/versions/:version': { path: '/v1/prompts/sentiment/versions/1' },
  'GET /openapi.json': { path: '/openapi.json' },
  'GET /docs': { path: '/docs' },
  'GET /docs/api-reference.js': { path: '/docs/api-reference.js' },
  'GET /v1/jobs': { path: '/v1/jobs' },
  'GET /v1/jobs/:id': { path: '/v1/jobs/job_does_not_exist' },
  'DELETE /v1/jobs/:id': { path: '/v1/jobs/job_does_not_exist' },
  'GET /v1/ws': { path: '/v1/ws' },
  'GET /': { path: '/' },
  'GET /v1/messages': { path: '/v1/messages' },
  'POST /v1/messages': { path: '/v1/messages', body: { model: 'mistral/mistral-small-latest', max_tokens: 16, messages: [{ role: 'user', content: 'hi' }] } },
  'POST /v1/messages/count_tokens': { path: '/v1/messages/count_tokens', body: { model: 'mistral/mistral-small-latest', messages: [{ role: 'user', content: 'hi' }] } },
  'POST /v1/responses': { path: '/v1/responses', body: { model: 'mistral/mistral-small-latest', input: 'hi', store: false } },
  'GET /v1/responses/:id': { path: '/v1/responses/resp_does_not_exist' },
  'GET /v1/responses/:id/input_items': { path: '/v1/responses/resp_does_not_exist/input_items' },
  'DELETE /v1/responses/:id': { path: '/v1/responses/resp_does_not_exist' },
  'GET /ui/assets/:file': { path: '/ui/assets/style.css' },
  'GET /ui/sign-in': { path: '/ui/sign-in' },
  'POST /ui/sign-in': { path: '/ui/sign-in' },
  'POST /ui/sign-out': { path: '/ui/sign-out' },
  'GET /ui': { path: '/ui' },
  'GET /ui/prompts': { path: '/ui/prompts' },
  'GET /ui/prompts/:name': { path: '/ui/prompts/sentiment' },
  'POST /ui/prompts/:name/try': { path: '/ui/prompts/sentiment/try' },
  'GET /ui/prompts/:name/versions/:version': { path: '/ui/prompts/sentiment/versions/1' },
  'POST /ui/prompts/:name/versions/:version/try': { path: '/ui/prompts/sentiment/versions/1/try' },
  'POST /ui/prompts/:name/access-requests': { path: '/ui/prompts/sentiment/access-requests' },
  'GET /ui/access': { path: '/ui/access' },
  'GET /ui/access-requests': { path: '/ui/access-requests' },
  'POST /ui/access/:id/approve': { path: '/ui/access/ar_does_not_exist/approve' },
  'POST /ui/access/:id/refuse': { path: '/ui/access/ar_does_not_exist/refuse' },
  'POST /v1/prompts/:name/access-requests': { path: '/v1/prompts/sentiment/access-requests', body: { reason: 'matrix' } },
  'GET /v1/access-requests': { path: '/v1/access-requests' },
  'GET /admin/access-requests': { path: '/admin/access-requests' },
  'POST /admin/access-requests/:id/approve': { path: '/admin/access-requests/ar_does_not_exist/approve' },
  'POST /admin/access-requests/:id/refuse': { path: '/admin/access-requests/ar_does_not_exist/refuse' },
  'GET /ui/keys': { path: '/ui/keys' },
  'POST /ui/keys': { path: '/ui/keys' },
  'GET /ui/keys/:id': { path: `/ui/keys/${h.normalKeyId}` },
  'POST /ui/keys/:id': { path: `/ui/keys/${h.normalKeyId}` },
  'GET /ui/keys/:id/rotate': { path: `/ui/keys/${h.normalKeyId}/rotate` },
  'POST /ui/keys/:id/rotate': { path: `/ui/keys/${h.normalKeyId}/rotate` },
  'GET /ui/keys/:id/revoke': { path: `/ui/keys/${h.normalKeyId}/revoke` },
  'POST /ui/keys/:id/revoke': { path: `/ui/keys/${h.normalKeyId}/revoke` },
  'GET /ui/requests': { path: '/ui/requests' },
  'GET /ui/requests/:id': { path: '/ui/requests/req_does_not_exist' },
  'GET /ui/health': { path: '/ui/health' },
})

/**
 * The dashboard authenticates with its session cookie, never a bearer key: without a session, whatever key
 * is sent, pages send the browser to sign in (303), posts answer 401, and sign-in without its form token 403.
 */
const UI_STATUS: Record<string, number> = {
  'GET /ui/assets/:file': 200, 'GET /ui/sign-in': 200, 'POST /ui/sign-in': 403, 'POST /ui/sign-out': 401, 'GET /ui': 303,
  'GET /ui/keys': 303, 'POST /ui/keys': 401, 'GET /ui/keys/:id': 303, 'POST /ui/keys/:id': 401,
  'GET /ui/keys/:id/rotate': 303, 'POST /ui/keys/:id/rotate': 401, 'GET /ui/keys/:id/revoke': 303, 'POST /ui/keys/:id/revoke': 401,
  'GET /ui/requests': 303, 'GET /ui/requests/:id': 303, 'GET /ui/health': 303,
  'GET /ui/prompts': 303, 'GET /ui/prompts/:name': 303, 'POST /ui/prompts/:name/try': 401, 'GET /ui/prompts/:name/versions/:version': 303,
  'POST /ui/prompts/:name/versions/:version/try': 401, 'POST /ui/prompts/:name/access-requests': 401, 'GET /ui/access': 303,
  'GET /ui/access-requests': 303, 'POST /ui/access/:id/approve': 401, 'POST /ui/access/:id/refuse': 401,
}

const PUBLIC = new Set(['GET /', 'GET /health', 'GET /docs', 'GET /docs/api-reference.js'])
const ADMIN_ONLY = (route: string) => route.includes(' /admin/') || route === 'GET /health/targets'
/** The admin routes a team admin key may call, limited to its team (issue 15). */
const TEAM_ADMIN_ROUTES = new Set([
  'POST /admin/keys', 'GET /admin/keys', 'GET /admin/keys/:id', 'PATCH /admin/keys/:id', 'POST /admin/keys/:id/rotate',
  'DELETE /admin/keys/:id', 'GET /admin/usage', 'GET /admin/requests', 'GET /admin/requests/:request_id', 'GET /admin/access-requests',
  'POST /admin/access-requests/:id/approve', 'POST /admin/access-requests/:id/refuse',
])
/** What a team admin gets where it differs from the admin key: the matrix's normal key is in no team, so it is not found. */
const TEAM_ADMIN_STATUS: Record<string, number> = { 'GET /admin/keys/:id': 404, 'PATCH /admin/keys/:id': 404 }
/** Asking for access to a prompt a key may already call is a conflict; the admin key may call everything. */
const ACCESS_REQUEST_STATUS: Partial<Record<KeyKind, number>> = { normal: 409, 'team-admin': 409, 'scoped-elsewhere': 201, admin: 400 }
/** Routes that name a model or a prompt: a key scoped to other models and prompts is refused there. */
const SCOPED = new Set(['POST /v1/chat/completions', 'POST /v1/embeddings', 'POST /v1/messages', 'POST /v1/messages/count_tokens', 'POST /v1/responses', 'GET /v1/prompts/:name', 'POST /v1/prompts/:name', 'POST /v1/prompts/:name/versions/:version', 'GET /v1/prompts/:name/versions/:version'])
/** What an allowed caller gets: 200 unless the route creates (201), names what does not exist (404) or needs an upgrade (426). */
const ALLOWED_STATUS: Record<string, number> = {
  'POST /admin/keys': 201, 'POST /admin/keys/:id/rotate': 404, 'DELETE /admin/keys/:id': 404,
  'GET /v1/jobs/:id': 404, 'DELETE /v1/jobs/:id': 404, 'GET /v1/ws': 426,
  'GET /v1/responses/:id': 404, 'GET /v1/responses/:id/input_items': 404, 'DELETE /v1/responses/:id': 404,
  'POST /admin/access-requests/:id/approve': 404, 'POST /admin/access-requests/:id/refuse': 404, 'GET /admin/requests/:request_id': 404,
}

function expectedStatus(route: string, kind: KeyKind): number {
  if (route in UI_STATUS) return UI_STATUS[route]!
  const allowed = ALLOWED_STATUS[route] ?? 200
  if (PUBLIC.has(route)) return allowed
  if (kind === 'none') return 401
  // /metrics checks its own credential (the admin key or the metrics token): any other credential is refused.
  if (route === 'GET /metrics') return kind === 'admin' ? allowed : 403
  if (kind === 'bad' || kind === 'revoked') return 401
  if (route === 'POST /v1/prompts/:name/access-requests') return ACCESS_REQUEST_STATUS[kind]!
  if (kind === 'admin') return allowed
  if (kind === 'team-admin' && TEAM_ADMIN_ROUTES.has(route)) return TEAM_ADMIN_STATUS[route] ?? allowed
  if (ADMIN_ONLY(route)) return 403
  return kind === 'scoped-elsewhere' && SCOPED.has(route) ? 403 : allowed
}

describe('auth on every route × method × key kind', () => {
  let h: HardeningGateway
  let calls: Record<string, RouteCall>
  beforeAll(async () => {
    h = await startHardeningGateway()
    calls = routeCalls(h)
  })
  afterAll(() => h.close())

  async function send(method: string, call: RouteCall, kind: KeyKind): Promise<number> {
    const res = await h.gw.request(call.path, {
      method,
      key: h.keys[kind],
      headers: call.body === undefined ? {} : { 'content-type': 'application/json' },
      body: call.body === undefined ? undefined : JSON.stringify(call.body),
    })
    await res.arrayBuffer()
    return res.status
  }

  it('the matrix covers every route the app serves (read from the app and the dashboard it loads on demand, so a new route cannot escape it)', () => {
    const listed = (app: { routes: Array<{ method: string; path: string }> }) => app.routes.filter((r) => r.method !== 'ALL').map((r) => `${r.method} ${r.path}`)
    // The app mounts the dashboard behind these four and loads its routes on the first /ui request.
    const mount = new Set(['GET /ui', 'GET /ui/*', 'POST /ui', 'POST /ui/*'])
    const dashboard = uiRoutes(h.gw.deps, (request, env) => h.gw.app.fetch(request, env))
    const served = [...new Set([...listed(h.gw.app).filter((route) => !mount.has(route)), ...listed(dashboard)])]
    expect(served.sort()).toEqual(Object.keys(calls).sort())
  })

  it('every route × key kind answers 401, 403 or what an allowed caller gets', async () => {
    const got: Record<string, Record<string, number>> = {}
    const want: Record<string, Record<string, number>> = {}
    for (const [route, call] of Object.entries(calls)) {
      const method = route.split(' ')[0]!
      got[route] = {}
      want[route] = {}
      for (const kind of KEY_KINDS) {
        got[route][kind] = await send(method, call, kind)
        want[route][kind] = expectedStatus(route, kind)
      }
    }
    expect(got).toEqual(want)
  })

  it('a method a path does not serve is 401 without a key and 404 or 405 with the admin key', async () => {
    for (const [route, call] of Object.entries(calls)) {
      const other = route.startsWith('PUT ') ? 'PATCH' : 'PUT'
      expect(await send(other, call, 'none'), `${other} ${call.path} without a key`).toBe(401)
      expect([404, 405], `${other} ${call.path} with the admin key`).toContain(await send(other, call, 'admin'))
    }
  })

  it('HEAD /health needs no key, like GET (issue 11, item 11)', async () => {
    expect(await send('HEAD', calls['GET /health']!, 'none')).toBe(200)
  })
})
