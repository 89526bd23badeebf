import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PHONE_VIEWPORT, startDashboardRig, type DashboardRig } from '../support/browser.js'

interface UsageRow { group: Record<string, string | null>; requests: number; input_tokens: number; output_tokens: number; cost_usd: number; [field: string]: unknown }

const hourLabel = (seconds: number) => `${new Date(seconds * 1000).toISOString().slice(0, 13)}:00Z`

describe('the dashboard in chromium: keys, calls, log, overview, health', () => {
  let rig: DashboardRig
  beforeAll(async () => {
    rig = await startDashboardRig()
  })
  afterAll(() => rig.close())

  async function adminJson<T>(path: string): Promise<T> {
    const res = await fetch(`${rig.gw.url}${path}`, { headers: { authorization: `Bearer ${rig.gw.adminKey}` } })
    expect(res.status, path).toBe(200)
    return await res.json() as T
  }

  it('signs in, creates a key, sees its calls in the log and the overview, edits, rotates and revokes it, signs out', async () => {
    const { context, page } = await rig.newPage()
    await context.grantPermissions(['clipboard-read', 'clipboard-write'])
    await rig.signIn(page, rig.gw.adminKey)
    expect(new URL(page.url()).pathname).toBe('/ui')
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Overview')
    await expect(page.getByTestId('signed-in-as').textContent()).resolves.toBe('Signed in: admin key')

    // Create: the secret is shown once, with a copy button that puts it on the clipboard.
    await page.getByRole('link', { name: 'Keys', exact: true }).click()
    await page.getByLabel('Name', { exact: true }).fill('checkout-service')
    await page.getByLabel('Team', { exact: true }).fill('growth')
    await page.getByLabel('Budget (USD)', { exact: true }).fill('5')
    await page.getByLabel('Budget period', { exact: true }).selectOption('monthly')
    await page.getByLabel('Requests per minute', { exact: true }).fill('100')
    await page.getByRole('button', { name: 'Create key' }).click()
    const secret = (await page.getByTestId('new-secret').textContent())!
    expect(secret).toMatch(/^mk-[\w-]{43}$/)
    await page.getByRole('button', { name: 'Copy' }).click()
    await expect(page.evaluate(() => navigator.clipboard.readText())).resolves.toBe(secret)
    const keyId = (await page.locator('dd[data-field="id"]').textContent())!
    expect((await adminJson<{ data: Array<{ id: string; name: string; team: string | null }> }>('/admin/keys')).data.find((k) => k.id === keyId))
      .toMatchObject({ name: 'checkout-service', team: 'growth' })
    await rig.screenshot(page, 'key-created')
    await page.goto('/ui/keys')
    expect(await page.content()).not.toContain(secret)

    // Calls with the key, through the gateway to the mock upstream.
    for (let i = 0; i < 3; i++) expect((await rig.chat(secret)).status).toBe(200)
    await rig.gw.deps.usage.flush()
    const log = await adminJson<{ data: Array<{ request_id: string; input_tokens: number; output_tokens: number; cost_usd: number }> }>(`/admin/requests?key=${keyId}`)
    expect(log.data).toHaveLength(3)

    // Keys list: prefix, team, role, limits and the spend bar against the budget, as the API says.
    await page.goto('/ui/keys')
    const row = page.locator(`tr[data-key-id="${keyId}"]`)
    const apiKey = await adminJson<{ prefix: string; spend: { spent_usd: number } }>(`/admin/keys/${keyId}`)
    await expect(row.locator('td').nth(0).textContent()).resolves.toBe(apiKey.prefix)
    await expect(row.locator('td').nth(1).textContent()).resolves.toBe('growth')
    await expect(row.locator('td').nth(2).textContent()).resolves.toBe('member')
    await expect(row.locator('td').nth(3).textContent()).resolves.toBe('100 rpm')
    await expect(row.locator('.spend').getAttribute('data-spent')).resolves.toBe(JSON.stringify(apiKey.spend.spent_usd))
    expect(apiKey.spend.spent_usd).toBeGreaterThan(0)
    await expect(row.getByRole('meter').getAttribute('value')).resolves.toBe(String(apiKey.spend.spent_usd))
    await rig.screenshot(page, 'keys')

    // The request log, filtered by the key, and one call's detail; never a secret.
    await page.getByRole('link', { name: 'Requests', exact: true }).click()
    await page.getByLabel('Key id', { exact: true }).fill(keyId)
    await page.getByRole('button', { name: 'Filter' }).click()
    await expect(page.locator('[data-testid="request-log"] tbody tr').count()).resolves.toBe(3)
    await rig.screenshot(page, 'requests')
    // Paging: two a page, newest first, as the API pages them.
    await page.goto(`/ui/requests?key=${keyId}&limit=2`)
    await expect(page.locator('[data-testid="request-log"] tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-request-id'))))
      .resolves.toEqual(log.data.slice(0, 2).map((a) => a.request_id))
    await page.getByRole('link', { name: 'Older' }).click()
    await expect(page.locator('[data-testid="request-log"] tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-request-id'))))
      .resolves.toEqual([log.data[2]!.request_id])
    await expect(page.getByRole('link', { name: 'Older' }).count()).resolves.toBe(0)
    await page.goto(`/ui/requests?key=${keyId}`)
    const first = log.data[0]!
    await page.getByRole('link', { name: first.request_id }).click()
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe(`Request ${first.request_id}`)
    await expect(page.locator('[data-testid="attempts"] tbody tr').count()).resolves.toBe(1)
    await expect(page.locator('[data-field="cost_usd"]').getAttribute('data-value')).resolves.toBe(JSON.stringify(first.cost_usd))
    await expect(page.locator('[data-field="tokens"]').textContent()).resolves.toContain(`${first.input_tokens} in`)
    const detailHtml = await page.content()
    for (const hidden of [secret, rig.gw.adminKey, 'sk-upstream-secret']) expect(detailHtml).not.toContain(hidden)
    await rig.screenshot(page, 'request-detail')

    // The overview split by key: the figures and every drawn point are the usage API's.
    await page.goto('/ui?range=24h&split=key')
    const window = page.locator('#range-window')
    const from = (await window.getAttribute('data-from'))!
    const to = (await window.getAttribute('data-to'))!
    const totals = (await adminJson<{ data: UsageRow[] }>(`/admin/usage?from=${from}&to=${to}`)).data[0]!
    expect(totals.requests).toBe(3)
    for (const field of ['requests', 'input_tokens', 'output_tokens', 'cost_usd', 'latency_p50_ms', 'latency_p95_ms']) {
      await expect(page.locator(`dd[data-field="${field}"]`).getAttribute('data-value'), field).resolves.toBe(JSON.stringify(totals[field]))
    }
    const byHour = (await adminJson<{ data: UsageRow[] }>(`/admin/usage?from=${from}&to=${to}&group_by=hour,key`)).data
    for (const metric of ['requests', 'tokens', 'cost_usd'] as const) {
      const figure = page.locator(`figure[data-chart="${metric}"]`)
      await expect(figure.getAttribute('data-drawn')).resolves.toBe('true')
      await expect(figure.locator('canvas').count()).resolves.toBeGreaterThan(0)
      const drawn = await figure.evaluate((el) => (el as HTMLElement & { uplotChart: { data: number[][] } }).uplotChart.data)
      const x = drawn[0]!
      expect(x).toHaveLength(24)
      const expected = x.map((at) => {
        const r = byHour.find((u) => u.group.hour === hourLabel(at) && u.group.key === keyId)
        if (!r) return 0
        return metric === 'requests' ? r.requests : metric === 'tokens' ? r.input_tokens + r.output_tokens : r.cost_usd
      })
      expect(drawn.slice(1), metric).toEqual([expected])
    }
    await expect(page.locator(`[data-testid="split-table"] tr[data-group='${JSON.stringify(keyId)}'] th`).textContent()).resolves.toBe(`checkout-service (${apiKey.prefix})`)
    await rig.screenshot(page, 'overview')

    // Edit limits.
    await page.goto(`/ui/keys/${keyId}`)
    await page.getByLabel('Requests per minute', { exact: true }).fill('50')
    await page.getByLabel('Tokens per minute', { exact: true }).fill('20000')
    await page.getByRole('button', { name: 'Save' }).click()
    await expect(page.getByRole('status').textContent()).resolves.toBe('Saved.')
    const edited = await adminJson<{ rpm: number; tpm: number; budget_usd: number }>(`/admin/keys/${keyId}`)
    expect([edited.rpm, edited.tpm, edited.budget_usd]).toEqual([50, 20000, 5])
    await rig.screenshot(page, 'key')

    // Rotate (after a confirmation): the old secret stops working, the new one is shown once and works.
    await page.getByRole('link', { name: 'Rotate secret…' }).click()
    await rig.screenshot(page, 'key-rotate-confirm')
    await page.getByRole('button', { name: 'Rotate secret' }).click()
    const rotated = (await page.getByTestId('new-secret').textContent())!
    expect(rotated).toMatch(/^mk-/)
    expect(rotated).not.toBe(secret)
    expect((await rig.chat(secret)).status).toBe(401)
    expect((await rig.chat(rotated)).status).toBe(200)

    // Revoke (after a confirmation).
    await page.goto(`/ui/keys/${keyId}`)
    await page.getByRole('link', { name: 'Revoke key…' }).click()
    await rig.screenshot(page, 'key-revoke-confirm')
    await page.getByRole('button', { name: 'Revoke key' }).click()
    await expect(page.getByRole('status').textContent()).resolves.toBe('Revoked.')
    expect((await adminJson<{ revoked_at: string | null }>(`/admin/keys/${keyId}`)).revoked_at).not.toBeNull()
    expect((await rig.chat(rotated)).status).toBe(401)

    await page.getByRole('link', { name: 'Health', exact: true }).click()
    await expect(page.locator('[data-field="providers"]').textContent()).resolves.toBe('openai')
    await expect(page.locator('[data-field="version"]').textContent()).resolves.toBe('0.1.0')
    await expect(page.locator('[data-testid="targets"] tr[data-target="openai/gpt-4.1-nano"] td').first().textContent()).resolves.toBe('healthy')
    await rig.screenshot(page, 'health')

    await rig.signOut(page)
    await rig.screenshot(page, 'sign-in')
    await page.goto('/ui/keys')
    expect(new URL(page.url()).pathname).toBe('/ui/sign-in')
  }, 90_000)

  it('works at phone width and by keyboard, with an accessible name on every control', async () => {
    const { page } = await rig.newPage({ viewport: PHONE_VIEWPORT })
    await rig.signIn(page, rig.gw.adminKey)
    for (const [path, name] of [['/ui', 'overview-phone'], ['/ui/keys', 'keys-phone']] as const) {
      await page.goto(path)
      expect(await page.evaluate(() => document.documentElement.scrollWidth), `${path} fits 390 px`).toBeLessThanOrEqual(PHONE_VIEWPORT.width)
      const unnamed = await page.evaluate(() => [...document.querySelectorAll('input:not([type=hidden]), select, textarea, button, a[href]')]
        .filter((el) => {
          const labelled = (el as HTMLInputElement).labels?.length || el.getAttribute('aria-label') || el.getAttribute('aria-labelledby')
          return !labelled && !(el.textContent ?? '').trim()
        }).map((el) => el.outerHTML))
      expect(unnamed, path).toEqual([])
      await rig.screenshot(page, name)
    }
    // Keyboard: the first Tab reaches "Skip to content", which moves focus to the page's content.
    await page.goto('/ui/keys')
    await page.keyboard.press('Tab')
    await expect(page.evaluate(() => document.activeElement?.textContent)).resolves.toBe('Skip to content')
    await page.keyboard.press('Enter')
    await expect(page.evaluate(() => document.activeElement?.id)).resolves.toBe('main')
    // And a key can be created with the keyboard alone.
    await page.getByLabel('Name', { exact: true }).focus()
    await page.keyboard.type('keyboard-made')
    await page.keyboard.press('Enter')
    await page.waitForLoadState('load')
    await expect(page.getByTestId('new-secret').textContent()).resolves.toMatch(/^mk-/)
  })

  it('refuses a wrong key and stays on the sign-in form', async () => {
    const { page } = await rig.newPage()
    await page.goto('/ui/sign-in')
    await page.getByLabel('API key', { exact: true }).fill('mk-not-a-key-of-this-gateway')
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith('/ui/sign-in') && r.request().method() === 'POST'),
      page.getByRole('button', { name: 'Sign in' }).click(),
    ])
    expect(response.status()).toBe(401)
    await expect(page.getByRole('alert').textContent()).resolves.toBe('That key was not accepted: it is unknown, revoked or expired.')
    expect((await page.context().cookies()).map((c) => c.name)).not.toContain('manifold_session')
    await page.goto('/ui')
    expect(new URL(page.url()).pathname).toBe('/ui/sign-in')
  })

  it('keeps the session in an HttpOnly, SameSite=Strict cookie that expires in 8 hours', async () => {
    const { context, page } = await rig.newPage()
    const before = Date.now() / 1000
    await rig.signIn(page, rig.gw.adminKey)
    const session = (await context.cookies()).find((c) => c.name === 'manifold_session')!
    expect({ httpOnly: session.httpOnly, sameSite: session.sameSite, path: session.path, secure: session.secure }).toEqual({ httpOnly: true, sameSite: 'Strict', path: '/', secure: false })
    expect(session.expires).toBeGreaterThanOrEqual(Math.floor(before) + 8 * 3600 - 5)
    expect(session.expires).toBeLessThanOrEqual(Date.now() / 1000 + 8 * 3600 + 5)
    await expect(page.evaluate(() => document.cookie)).resolves.toBe('')
  })
})
