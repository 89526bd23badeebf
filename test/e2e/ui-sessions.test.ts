import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { hashKey } from '../../src/security/keys.js'
import { uiSessions } from '../../src/store/schema.js'
import { postForm, signInWithForm, type FormSession } from '../support/browser.js'
import { startTestGateway, type TestGateway } from '../support/gateway.js'
import { captureLog, type CapturedLog } from '../support/log-capture.js'
import { ManualClock } from '../support/routing-clock.js'

/** The dashboard's sessions and CSRF checks, over HTTP as a browser sends it (no browser needed for these). */
describe('dashboard sessions, CSRF and access', () => {
  let gw: TestGateway
  let admin: FormSession
  let log: CapturedLog
  beforeAll(async () => {
    log = captureLog()
    gw = await startTestGateway({ listen: true, log: log.log })
    admin = await signInWithForm(gw.url, gw.adminKey)
  })
  afterAll(() => gw.close())

  const get = (path: string, cookie?: string) => fetch(`${gw.url}${path}`, { redirect: 'manual', headers: cookie ? { cookie } : {} })

  it('sets the session cookie HttpOnly, SameSite=Strict, Path=/, Max-Age 8 h, and stores only its hash', async () => {
    expect(admin.setCookie).toMatch(/^manifold_session=[\w-]{43}; Max-Age=28800; Path=\/; HttpOnly; SameSite=Strict$/)
    const id = admin.cookie.split('=')[1]!
    const rows = await gw.deps.store.db.select().from(uiSessions)
    expect(rows.map((r) => r.idHash)).toContain(await hashKey(id))
    expect(JSON.stringify(rows)).not.toContain(id)
  })

  it('marks the cookie Secure when the browser came over https', async () => {
    const form = await fetch(`${gw.url}/ui/sign-in`, { headers: { 'x-forwarded-proto': 'https' } })
    expect(form.headers.get('set-cookie')).toMatch(/; HttpOnly; Secure; SameSite=Strict$/)
  })

  it('without a session, pages send the browser to sign in, and posts answer 401', async () => {
    for (const path of ['/ui', '/ui/keys', '/ui/requests', '/ui/health', '/ui/keys/key_x', '/ui/requests/req_x']) {
      const res = await get(path)
      expect(res.status, path).toBe(303)
      expect(res.headers.get('location'), path).toBe(path === '/ui' ? '/ui/sign-in' : `/ui/sign-in?next=${encodeURIComponent(path)}`)
    }
    for (const path of ['/ui/keys', '/ui/keys/key_x/revoke', '/ui/sign-out']) {
      const res = await postForm(gw.url, path, { cookie: 'manifold_session=forged', csrf: null, setCookie: '' }, { name: 'x' })
      expect(res.status, path).toBe(401)
      expect((await res.json() as { error: { code: string } }).error.code).toBe('session_required')
    }
  })

  it('the session cookie is not an API credential: the JSON API still wants a key', async () => {
    const res = await fetch(`${gw.url}/admin/usage`, { headers: { cookie: admin.cookie } })
    expect(res.status).toBe(401)
  })

  it('refuses a form without the CSRF token, with a wrong one, or from another site (403), and accepts the right one', async () => {
    const fields = { name: 'csrf-probe' }
    const missing = await postForm(gw.url, '/ui/keys', admin, fields)
    const wrong = await postForm(gw.url, '/ui/keys', admin, { ...fields, _csrf: 'x'.repeat(43) })
    const crossSite = await postForm(gw.url, '/ui/keys', admin, { ...fields, _csrf: admin.csrf! }, { origin: 'https://evil.example' })
    const fetchMetadata = await postForm(gw.url, '/ui/keys', admin, { ...fields, _csrf: admin.csrf! }, { 'sec-fetch-site': 'cross-site' })
    for (const [what, res, code] of [['missing', missing, 'csrf_failed'], ['wrong', wrong, 'csrf_failed'], ['cross-site', crossSite, 'cross_site_request'], ['sec-fetch-site', fetchMetadata, 'cross_site_request']] as const) {
      expect(res.status, what).toBe(403)
      expect((await res.json() as { error: { code: string } }).error.code, what).toBe(code)
    }
    const keys = await (await gw.request('/admin/keys')).json() as { data: Array<{ name: string }> }
    expect(keys.data.map((k) => k.name)).not.toContain('csrf-probe')

    const ok = await postForm(gw.url, '/ui/keys', admin, { ...fields, _csrf: admin.csrf! })
    expect(ok.status).toBe(200)
    expect(await ok.text()).toMatch(/data-testid="new-secret">mk-/)
  })

  it('logs the pages\' in-process API calls by their path, not as WebSocket frames, each with a ui_ request id', async () => {
    expect((await get('/ui/health', admin.cookie)).status).toBe(200)
    const inner = log.records().filter((r) => r.msg === 'request' && (r.path === '/health' || r.path === '/health/targets'))
    expect(inner.map((r) => [r.path, r.surface, String(r.request_id).slice(0, 3)])).toEqual([['/health', 'other', 'ui_'], ['/health/targets', 'other', 'ui_']])
  })

  it('refuses a sign-in posted without the form token', async () => {
    const res = await fetch(`${gw.url}/ui/sign-in`, {
      method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ key: gw.adminKey }),
    })
    expect(res.status).toBe(403)
    expect(res.headers.getSetCookie()).toEqual([])
  })

  it('never puts the key in a URL or a page, and serves pages with a CSP and no caching', async () => {
    const res = await get('/ui/keys', admin.cookie)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'")
    expect(res.headers.get('cache-control')).toBe('no-store')
    expect(res.headers.get('x-frame-options')).toBe('DENY')
    expect(await res.text()).not.toContain(gw.adminKey)
  })

  it('a member key signs in for the portal only: manager pages answer 403', async () => {
    const secret = await gw.createKey({ name: 'member-only' })
    const member = await signInWithForm(gw.url, secret)
    for (const path of ['/ui', '/ui/keys', '/ui/requests', '/ui/health']) {
      expect((await get(path, member.cookie)).status, path).toBe(403)
    }
  })

  it('re-checks the key on every request: revoking it ends its sessions', async () => {
    const secret = await gw.createKey({ name: 'revoked-later' })
    const member = await signInWithForm(gw.url, secret)
    const id = (await (await gw.request('/admin/keys')).json() as { data: Array<{ id: string; name: string }> }).data.find((k) => k.name === 'revoked-later')!.id
    expect((await get('/ui/keys', member.cookie)).status).toBe(403)
    expect((await gw.request(`/admin/keys/${id}`, { method: 'DELETE' })).status).toBe(200)
    const after = await get('/ui/keys', member.cookie)
    expect(after.status).toBe(303)
    expect(after.headers.get('set-cookie')).toMatch(/^manifold_session=; Max-Age=0/)
    const hash = await hashKey(member.cookie.split('=')[1]!)
    expect(await gw.deps.store.db.select().from(uiSessions).where(eq(uiSessions.idHash, hash))).toEqual([])
  })

  it('signing out deletes the session row and the cookie', async () => {
    const session = await signInWithForm(gw.url, gw.adminKey)
    const hash = await hashKey(session.cookie.split('=')[1]!)
    const res = await postForm(gw.url, '/ui/sign-out', session, { _csrf: session.csrf! })
    expect(res.status).toBe(303)
    expect(res.headers.get('location')).toBe('/ui/sign-in')
    expect(res.headers.get('set-cookie')).toMatch(/^manifold_session=; Max-Age=0; Path=\/; HttpOnly; SameSite=Strict/)
    expect(await gw.deps.store.db.select().from(uiSessions).where(eq(uiSessions.idHash, hash))).toEqual([])
    expect((await get('/ui', session.cookie)).status).toBe(303)
  })

  it('sends a browser opening / to the dashboard and keeps the JSON probe for clients', async () => {
    const browser = await fetch(`${gw.url}/`, { redirect: 'manual', headers: { accept: 'text/html,application/xhtml+xml' } })
    expect([browser.status, browser.headers.get('location')]).toEqual([303, '/ui'])
    const client = await fetch(`${gw.url}/`)
    expect([client.status, await client.json()]).toEqual([200, { service: 'manifold' }])
    const head = await fetch(`${gw.url}/`, { method: 'HEAD' })
    expect(head.status).toBe(200)
  })

  it('serves its assets itself: the stylesheet, its script and uPlot', async () => {
    for (const [file, type] of [['style.css', 'text/css'], ['dashboard.js', 'text/javascript'], ['uplot.js', 'text/javascript']] as const) {
      const res = await get(`/ui/assets/${file}`)
      expect(res.status, file).toBe(200)
      expect(res.headers.get('content-type'), file).toBe(`${type}; charset=utf-8`)
      expect((await res.text()).length, file).toBeGreaterThan(1000)
    }
    expect((await get('/ui/assets/nothing.js')).status).toBe(404)
  })
})

describe('dashboard sessions on a clock', () => {
  it('a session ends after 8 hours: the page sends the browser to sign in again and the row is gone', async () => {
    const clock = new ManualClock(Date.UTC(2026, 11, 4, 8))
    const gw = await startTestGateway({ listen: true, clock })
    try {
      const session = await signInWithForm(gw.url, gw.adminKey)
      clock.advance(8 * 3600_000 - 1)
      expect((await fetch(`${gw.url}/ui/health`, { redirect: 'manual', headers: { cookie: session.cookie } })).status).toBe(200)
      clock.advance(1)
      const expired = await fetch(`${gw.url}/ui/health`, { redirect: 'manual', headers: { cookie: session.cookie } })
      expect([expired.status, expired.headers.get('location')]).toEqual([303, '/ui/sign-in?next=%2Fui%2Fhealth'])
      // The next sign-in sweeps the sessions that ran out.
      await signInWithForm(gw.url, gw.adminKey)
      const rows = await gw.deps.store.db.select().from(uiSessions)
      expect(rows.map((r) => r.idHash)).not.toContain(await hashKey(session.cookie.split('=')[1]!))
    } finally {
      await gw.close()
    }
  })

  it('shows an API refusal as an HTML page with its status to a browser', async () => {
    const gw = await startTestGateway({ listen: true })
    try {
      const session = await signInWithForm(gw.url, gw.adminKey)
      const res = await fetch(`${gw.url}/ui/keys/key_does_not_exist`, { headers: { cookie: session.cookie, accept: 'text/html' } })
      expect(res.status).toBe(404)
      expect(res.headers.get('content-type')).toBe('text/html; charset=UTF-8')
      expect(await res.text()).toContain('<p class="notice error" role="alert">No API key with id key_does_not_exist.</p>')
    } finally {
      await gw.close()
    }
  })
})
