import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startDashboardRig, type DashboardRig } from '../support/browser.js'

describe('the dashboard in chromium', () => {
  let rig: DashboardRig
  beforeAll(async () => {
    rig = await startDashboardRig()
  })
  afterAll(() => rig.close())

  it('signs in with the admin key, shows the overview, signs out', async () => {
    const { page } = await rig.newPage()
    await rig.signIn(page, rig.gw.adminKey)
    expect(new URL(page.url()).pathname).toBe('/ui')
    await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Overview')
    await expect(page.getByTestId('signed-in-as').textContent()).resolves.toBe('Signed in: admin key')
    await rig.screenshot(page, 'overview')
    expect(await page.content()).not.toContain(rig.gw.adminKey)

    await rig.signOut(page)
    await page.goto('/ui')
    expect(new URL(page.url()).pathname).toBe('/ui/sign-in')
  })

  it('refuses a wrong key and stays on the sign-in form', async () => {
    const { page } = await rig.newPage()
    await page.goto('/ui/sign-in')
    await page.getByLabel('API key').fill('mk-not-a-key-of-this-gateway')
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
})
