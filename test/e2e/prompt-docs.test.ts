import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { chromium, type Browser, type BrowserContext } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { apiReferenceScript } from '../../src/node.js'
import { PromptCatalog } from '../../src/prompt-api/catalog.js'
import { startTestGateway, type TestGateway } from '../support/gateway.js'
import { shippedPrompts } from '../support/prompt-files.js'

/** Headless Chromium from the system (CI installs the `chromium` package; no browser is downloaded). */
const CHROMIUM = { executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'] }

const bundleText = () => readFile(createRequire(import.meta.url).resolve('@scalar/api-reference/browser/standalone.js'), 'utf8')

describe('GET /docs in a browser', () => {
  let gw: TestGateway
  let browser: Browser

  beforeAll(async () => {
    gw = await startTestGateway({ listen: true, assemble: { prompts: new PromptCatalog(shippedPrompts()), apiReferenceScript } })
    browser = await chromium.launch(CHROMIUM)
  })
  afterAll(async () => {
    await browser?.close()
    await gw.close()
  })

  /** A context that lets requests reach the gateway only, and records any that tried to go elsewhere. */
  async function isolatedContext(options: Parameters<Browser['newContext']>[0] = {}): Promise<{ context: BrowserContext; elsewhere: string[]; seen: string[] }> {
    const context = await browser.newContext(options)
    const elsewhere: string[] = []
    const seen: string[] = []
    await context.route('**/*', (route) => {
      const url = route.request().url()
      seen.push(url)
      if (url.startsWith(gw.url) || url.startsWith('data:') || url.startsWith('blob:')) return route.continue()
      elsewhere.push(url)
      return route.abort()
    })
    return { context, elsewhere, seen }
  }

  it('the page and its script need no key; the document does', async () => {
    expect((await fetch(`${gw.url}/docs`)).status).toBe(200)
    const script = await fetch(`${gw.url}/docs/api-reference.js`)
    expect(script.status).toBe(200)
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8')
    // Streamed from disk on each request (the Node loader): whole, and again on the next request.
    expect(await script.text()).toBe(await bundleText())
    expect(await (await fetch(`${gw.url}/docs/api-reference.js`)).text()).toBe(await bundleText())
    expect((await fetch(`${gw.url}/openapi.json`)).status).toBe(401)
  })

  it('renders every published prompt API from the gateway alone, the key sent as a header', async () => {
    const { context, elsewhere } = await isolatedContext({ extraHTTPHeaders: { authorization: `Bearer ${gw.adminKey}` } })
    try {
      const page = await context.newPage()
      await page.goto(`${gw.url}/docs`)
      // Each published prompt API has its own group in the sidebar, and its operation inside.
      for (const name of ['sentiment', 'translate', 'summarize', 'extract-contact']) {
        await page.getByText(`Prompt: ${name}`, { exact: true }).first().waitFor({ timeout: 20_000 })
      }
      await page.getByText('Prompt: sentiment', { exact: true }).first().click()
      await page.getByText('sentiment (latest published: version 1)').first().waitFor({ timeout: 20_000 })
      await page.getByText('Chat completion through any provider, alias or route').first().waitFor()
      expect(await page.locator('#key-form').isHidden()).toBe(true)
      expect(elsewhere).toEqual([])
    } finally {
      await context.close()
    }
  })

  it('without a header, asks for a key and never puts it in a URL', async () => {
    const key = await gw.createKey({ prompts: ['sentiment'] })
    const { context, elsewhere, seen } = await isolatedContext()
    try {
      const page = await context.newPage()
      await page.goto(`${gw.url}/docs`)
      await page.locator('#key').waitFor({ state: 'visible' })
      await page.locator('#key').fill('mk-not-a-key')
      await page.getByRole('button', { name: 'Open the reference' }).click()
      await expect.poll(() => page.locator('#key-error').textContent()).toBe('That key was not accepted.')
      await page.locator('#key').fill(key)
      await page.getByRole('button', { name: 'Open the reference' }).click()
      await page.getByText('Prompt: sentiment', { exact: true }).first().waitFor({ timeout: 20_000 })
      // The key's scope applies: the prompt APIs it may not call are not listed.
      expect(await page.getByText('Prompt: translate', { exact: true }).count()).toBe(0)
      expect(seen.filter((url) => url.includes(key))).toEqual([])
      expect(elsewhere).toEqual([])
    } finally {
      await context.close()
    }
  })
})
