import { describe, expect, it } from 'vitest'
import { gateway } from './both-gateway.js'
import { ADMIN, call, createKey } from './worker-harness.js'

/** The response's Set-Cookie lines (workerd's Headers joins them; none of ours carries a comma). */
const setCookies = (res: Response) => (res.headers.get('set-cookie') ?? '').split(/,\s*(?=[\w-]+=)/)
const cookieOf = (res: Response, name: string) => setCookies(res).find((c) => c.startsWith(`${name}=`))?.split(';')[0]
const csrfOf = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)?.[1]

/** Signs in through the form as a browser does; returns the session cookie and the token its forms carry. */
async function signIn(key: string): Promise<{ cookie: string; csrf: string }> {
  const form = await call('/ui/sign-in')
  expect(form.status).toBe(200)
  const tokenCookie = cookieOf(form, 'manifold_sign_in')!
  const posted = await call('/ui/sign-in', {
    method: 'POST',
    redirect: 'manual',
    headers: { cookie: tokenCookie, 'content-type': 'application/x-www-form-urlencoded', origin: 'http://gateway' },
    body: new URLSearchParams({ _csrf: csrfOf(await form.text())!, key }),
  })
  expect(posted.status).toBe(303)
  expect(posted.headers.get('location')).toBe('/ui')
  const setCookie = setCookies(posted).find((c) => c.startsWith('manifold_session='))!
  expect(setCookie).toMatch(/; Max-Age=28800; Path=\/; HttpOnly; SameSite=Strict$/)
  const cookie = setCookie.split(';')[0]!
  const page = await call('/ui', { headers: { cookie } })
  return { cookie, csrf: csrfOf(await page.text())! }
}

describe('the dashboard on workerd with D1', () => {
  it('signs in through the form, follows the cookie and gets the overview with the API\'s figures', async () => {
    const key = await createKey('ui-workers')
    const res = await call('/v1/chat/completions', {
      method: 'POST', key: key.key, headers: { 'content-type': 'application/json', 'x-request-id': 'wk-ui-1' },
      body: JSON.stringify({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'Hello' }] }),
    })
    expect(res.status).toBe(200)
    await res.arrayBuffer()
    expect(await gateway.usageRows('wk-ui-1')).toHaveLength(1)

    const { cookie } = await signIn(ADMIN)
    const overview = await call('/ui', { headers: { cookie } })
    expect(overview.status).toBe(200)
    expect(overview.headers.get('content-type')).toBe('text/html; charset=UTF-8')
    const html = await overview.text()
    expect(html).toContain('<h1>Overview</h1>')
    const from = /data-from="([^"]+)"/.exec(html)![1]!
    const to = /data-to="([^"]+)"/.exec(html)![1]!
    const usage = await call(`/admin/usage?from=${from}&to=${to}`, { key: ADMIN })
    const totals = ((await usage.json()) as { data: Array<{ requests: number; cost_usd: number }> }).data[0]!
    expect(totals.requests).toBeGreaterThanOrEqual(1)
    expect(/data-field="requests" data-value="(\d+)"/.exec(html)![1]).toBe(String(totals.requests))
    expect(/data-field="cost_usd" data-value="([^"]+)"/.exec(html)![1]).toBe(JSON.stringify(totals.cost_usd))
    expect(html).not.toContain(ADMIN)
  })

  it('creates a key through the keys form (CSRF checked) and refuses the form without its token', async () => {
    const { cookie, csrf } = await signIn(ADMIN)
    const post = (fields: Record<string, string>) => call('/ui/keys', {
      method: 'POST', redirect: 'manual',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded', origin: 'http://gateway' },
      body: new URLSearchParams(fields),
    })
    expect((await post({ name: 'no-token' })).status).toBe(403)
    const created = await post({ name: 'made-on-workers', _csrf: csrf })
    expect(created.status).toBe(200)
    const secret = /data-testid="new-secret">(mk-[\w-]+)</.exec(await created.text())![1]!
    expect((await call('/v1/models', { key: secret })).status).toBe(200)
  })

  it('serves its assets and sends pages without a session to sign in', async () => {
    for (const file of ['style.css', 'dashboard.js', 'uplot.js']) {
      const res = await call(`/ui/assets/${file}`)
      expect(res.status, file).toBe(200)
      expect((await res.text()).length, file).toBeGreaterThan(1000)
    }
    const page = await call('/ui/keys', { redirect: 'manual' })
    expect([page.status, page.headers.get('location')]).toEqual([303, '/ui/sign-in?next=%2Fui%2Fkeys'])
  })
})
