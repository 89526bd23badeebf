import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'
import { fixtureJson } from './fixtures.js'
import { startTestGateway, type TestGateway, type TestGatewayOptions } from './gateway.js'
import { startMockUpstream, type MockUpstream } from './mock-upstream.js'

/** Debian's chromium: the tests never download a browser. */
export const CHROMIUM_PATH = '/usr/bin/chromium'
export const SCREENSHOTS_DIR = join(import.meta.dirname, '..', '..', 'test-results', 'screenshots')
/** A phone's width (CSS pixels) for the narrow screenshots. */
export const PHONE_VIEWPORT = { width: 390, height: 844 }

export interface DashboardRig {
  /** The gateway on a loopback port, OpenAI pointed at the mock upstream. */
  gw: TestGateway
  upstream: MockUpstream
  browser: Browser
  /** A fresh browser context (its own cookies) and page; closed with the rig. */
  newPage(options?: { viewport?: { width: number; height: number } }): Promise<{ context: BrowserContext; page: Page }>
  /** Opens the sign-in page and signs in with the key; resolves once the next page has loaded. */
  signIn(page: Page, key: string): Promise<void>
  signOut(page: Page): Promise<void>
  /** Saves a full-page screenshot to test-results/screenshots/<name>.png and returns its path. */
  screenshot(page: Page, name: string): Promise<string>
  /** POST /v1/chat/completions with a virtual key, answered by the recorded gpt-4.1-nano reply. */
  chat(key: string, body?: Record<string, unknown>): Promise<Response>
  close(): Promise<void>
}

/** One gateway, one mock upstream and one chromium for a whole test file (the browser suite stays fast). */
export async function startDashboardRig(options: Pick<TestGatewayOptions, 'assemble'> = {}): Promise<DashboardRig> {
  const upstream = await startMockUpstream(() => ({ json: fixtureJson('openai/vercel-openai-text.json') }))
  const gw = await startTestGateway({
    listen: true,
    env: { OPENAI_API_KEY: 'sk-upstream-secret', OPENAI_BASE_URL: `${upstream.url}/v1` },
    // A configured route, so the health page has targets to show.
    file: { routes: { fast: { strategy: 'fallback', targets: ['openai/gpt-4.1-nano', 'openai/gpt-4o-mini'] } } },
    ...options,
  })
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: ['--no-sandbox', '--disable-gpu'] })
  const contexts: BrowserContext[] = []
  mkdirSync(SCREENSHOTS_DIR, { recursive: true })

  return {
    gw, upstream, browser,
    async newPage(options = {}) {
      const context = await browser.newContext({ baseURL: gw.url, viewport: options.viewport ?? { width: 1280, height: 900 } })
      // Fail at the step that waits in vain, well before the test's own timeout.
      context.setDefaultTimeout(8_000)
      contexts.push(context)
      return { context, page: await context.newPage() }
    },
    async signIn(page, key) {
      await page.goto('/ui/sign-in')
      await page.getByLabel('API key', { exact: true }).fill(key)
      await page.getByRole('button', { name: 'Sign in' }).click()
      await page.waitForLoadState('load')
    },
    async signOut(page) {
      await page.getByRole('button', { name: 'Sign out' }).click()
      await page.waitForURL((url) => url.pathname === '/ui/sign-in')
    },
    async screenshot(page, name) {
      const path = join(SCREENSHOTS_DIR, `${name}.png`)
      await page.screenshot({ path, fullPage: true })
      return path
    },
    chat(key, body = {}) {
      return fetch(`${gw.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'openai/gpt-4.1-nano', messages: [{ role: 'user', content: 'hi' }], ...body }),
      })
    },
    async close() {
      for (const context of contexts) await context.close()
      await browser.close()
      await gw.close()
      await upstream.close()
    },
  }
}

/** A dashboard session made without a browser: the cookie header to send and the CSRF token its forms carry. */
export interface FormSession { cookie: string; csrf: string | null; setCookie: string }

const hiddenCsrf = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)?.[1]

/** Signs in through the form as a browser would (token cookie, then the post); throws unless it succeeds. */
export async function signInWithForm(baseUrl: string, key: string): Promise<FormSession> {
  const form = await fetch(`${baseUrl}/ui/sign-in`)
  const tokenCookie = form.headers.getSetCookie()[0]!.split(';')[0]!
  const posted = await fetch(`${baseUrl}/ui/sign-in`, {
    method: 'POST',
    redirect: 'manual',
    headers: { cookie: tokenCookie, 'content-type': 'application/x-www-form-urlencoded', origin: baseUrl },
    body: new URLSearchParams({ _csrf: hiddenCsrf(await form.text())!, key }),
  })
  const setCookie = posted.headers.getSetCookie().find((c) => c.startsWith('manifold_session='))
  if (posted.status !== 303 || !setCookie) throw new Error(`sign-in answered ${posted.status}`)
  const cookie = setCookie.split(';')[0]!
  // Any signed-in page carries the session's token in its sign-out form.
  const signedIn = await fetch(`${baseUrl}${posted.headers.get('location')}`, { headers: { cookie } })
  // A member key lands on the portal; without it (another branch) there is no page and so no token.
  return { cookie, csrf: hiddenCsrf(await signedIn.text()) ?? null, setCookie }
}

/** Posts a dashboard form with the session's cookie (and, unless told otherwise, its token and this site's Origin). */
export function postForm(baseUrl: string, path: string, session: FormSession, fields: Record<string, string>, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${baseUrl}${path}`, {
    method: 'POST',
    redirect: 'manual',
    headers: { cookie: session.cookie, 'content-type': 'application/x-www-form-urlencoded', origin: baseUrl, ...headers },
    body: new URLSearchParams(fields),
  })
}
