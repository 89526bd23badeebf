import { describe, expect, it } from 'vitest'
import { ADMIN, call, worker } from './worker-harness.js'

const ORIGIN = 'http://gateway'

/** `name=value` of a cookie the response sets (the Set-Cookie headers arrive joined by commas). */
function cookieOf(response: Response, name: string): string {
  const match = new RegExp(`(?:^|, )(${name}=[^;]+)`).exec(response.headers.get('set-cookie') ?? '')
  if (!match) throw new Error(`no ${name} cookie was set`)
  return match[1]!
}

/** A dashboard session in workerd: signs in through the form (token cookie, then the post) and keeps the cookie. */
async function signIn(key: string): Promise<{ cookie: string; csrf: string }> {
  const form = await worker.fetch(new Request(`${ORIGIN}/ui/sign-in`))
  const tokenCookie = cookieOf(form, 'manifold_sign_in')
  const token = /name="_csrf" value="([^"]+)"/.exec(await form.text())![1]!
  const posted = await worker.fetch(new Request(`${ORIGIN}/ui/sign-in`, {
    method: 'POST', redirect: 'manual',
    headers: { cookie: tokenCookie, origin: ORIGIN, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ _csrf: token, key }),
  }))
  expect(posted.status).toBe(303)
  const cookie = cookieOf(posted, 'manifold_session')
  const page = await worker.fetch(new Request(`${ORIGIN}${posted.headers.get('location')}`, { headers: { cookie } }))
  return { cookie, csrf: /name="_csrf" value="([^"]+)"/.exec(await page.text())![1]! }
}

const page = (session: { cookie: string }, path: string) => worker.fetch(new Request(`${ORIGIN}${path}`, { headers: { cookie: session.cookie } }))
const post = (session: { cookie: string; csrf: string }, path: string, fields: Record<string, string> = {}) => worker.fetch(new Request(`${ORIGIN}${path}`, {
  method: 'POST', redirect: 'manual',
  headers: { cookie: session.cookie, origin: ORIGIN, 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams({ _csrf: session.csrf, ...fields }),
}))

describe('the prompt portal on workerd', () => {
  it('a member asks for access in the portal, its team admin approves there, and "Try it" calls the prompt', async () => {
    const made = async (body: Record<string, unknown>) =>
      (await (await call('/admin/keys', { key: ADMIN, method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })).json()) as { key: string }
    const member = await signIn((await made({ name: 'wk portal member', team: 'wk-portal', prompts: ['summarize'] })).key)
    const admin = await signIn((await made({ name: 'wk portal admin', team: 'wk-portal', role: 'team_admin' })).key)

    const catalog = await page(member, '/ui/prompts')
    expect(catalog.status).toBe(200)
    const html = await catalog.text()
    expect(html).toContain('aria-label="Request access to translate"')
    expect(html).toContain('aria-label="Try summarize"')

    const asked = await post(member, '/ui/prompts/translate/access-requests', { reason: 'workerd' })
    expect(asked.status).toBe(303)
    const id = new URL(asked.headers.get('location')!, ORIGIN).searchParams.get('requested')!
    expect((await (await page(admin, '/ui/access')).text())).toContain(`data-request="${id}"`)
    const approved = await post(admin, `/ui/access/${id}/approve`)
    expect(approved.headers.get('location')).toBe(`/ui/access?approved=${id}`)

    const tried = await post(member, '/ui/prompts/translate/try', { 'field-0': 'Hello', 'field-1': 'French' })
    expect(tried.status).toBe(200)
    const answer = await tried.text()
    expect(answer).toContain('data-testid="try-status">HTTP 200</span>')
    expect(answer).toContain('Galaxy Day')
  })
})
