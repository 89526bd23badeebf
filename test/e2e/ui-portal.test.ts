import { execFile } from 'node:child_process'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PromptCatalog } from '../../src/prompt-api/catalog.js'
import { PHONE_VIEWPORT, startDashboardRig, type DashboardRig } from '../support/browser.js'
import { fixtureJson } from '../support/fixtures.js'
import { promptSource, shippedPrompts } from '../support/prompt-files.js'

const RECORDED_ANSWER = fixtureJson<{ choices: Array<{ message: { content: string } }> }>('openai/vercel-openai-text.json').choices[0]!.message.content

/** `triage`: v1 deprecated (with its dates) → v2, published, whose input uses every kind of form control. */
function portalCatalog(): PromptCatalog {
  const body = '# system\nTriage the ticket in at most {{max_words}} words. Priority: {{priority}}. Notify: {{notify}}. Tags: {{tags}}.\n\n# user\n{{ticket}}\n'
  const triage = (version: number, status: string, extra: Record<string, unknown>) => promptSource(`prompts/triage.v${version}.md`, {
    name: 'triage', version, status, description: 'Sorts a support ticket: what it is about, how urgent, who should answer.', model: 'openai/gpt-4.1-nano', ...extra,
  }, body)
  const input = {
    type: 'object',
    required: ['ticket', 'priority'],
    properties: {
      ticket: { type: 'string', description: "The customer's message.", minLength: 1, maxLength: 5000 },
      priority: { type: 'string', enum: ['low', 'normal', 'urgent'], description: 'How fast the team must answer.' },
      max_words: { type: 'integer', minimum: 10, maximum: 300, default: 80, description: 'The longest the triage note may be.' },
      confidence: { type: 'number', minimum: 0, maximum: 1, description: 'Below this, the ticket goes to a person.' },
      notify: { type: 'boolean', default: false, description: 'Page the person on call.' },
      tags: { type: 'array', items: { type: 'string' }, description: 'Labels for the ticket.' },
    },
  }
  return new PromptCatalog([
    ...shippedPrompts(),
    triage(1, 'deprecated', { input, deprecated_at: '2026-11-01', sunset: '2027-01-31', successor: 2 }),
    triage(2, 'published', { input }),
  ])
}

/** A prompt call through the API with a virtual key, as an application would make it. */
function callPrompt(rig: DashboardRig, key: string, name: string, body: unknown): Promise<Response> {
  return fetch(`${rig.gw.url}/v1/prompts/${name}`, {
    method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify(body),
  })
}

/** Runs a pasted snippet; resolves with what it printed. */
function run(command: string, args: string[], env: Record<string, string>): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { env, timeout: 20_000 }, (error, stdout, stderr) => (error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(stdout)))
  })
}

const heading = (page: Page) => page.getByRole('heading', { level: 1 }).textContent()

describe('the prompt portal in chromium', () => {
  let rig: DashboardRig
  let memberKey: string
  let memberPage: Page
  let requestId: string

  beforeAll(async () => {
    rig = await startDashboardRig({ assemble: { prompts: portalCatalog() } })
    memberKey = await rig.gw.createKey({ name: 'ana', team: 'research', prompts: ['summarize'] })
    memberPage = (await rig.newPage()).page
  })
  afterAll(() => rig.close())

  it('a key holder signs in to the catalog: every prompt API with its status, versions and lifecycle dates', async () => {
    await rig.signIn(memberPage, memberKey)
    expect(new URL(memberPage.url()).pathname).toBe('/ui/prompts')
    expect(await heading(memberPage)).toBe('Prompt APIs')
    const names = await memberPage.locator('article[data-prompt]').evaluateAll((cards) => cards.map((c) => c.getAttribute('data-prompt')))
    expect(names).toEqual(['extract-contact', 'sentiment', 'summarize', 'translate', 'triage'])

    const summarize = memberPage.locator('article[data-prompt="summarize"]')
    await expect(summarize.locator('.badge.ok').last().textContent()).resolves.toBe('You can call it')
    const triage = memberPage.locator('article[data-prompt="triage"]')
    await expect(triage.locator('.prompt-card-head').textContent()).resolves.toBe('triageversion 2 published')
    await expect(triage.locator('.version-line').textContent()).resolves.toBe('1 deprecated deprecated on 2026-11-01 · sunset 2027-01-31 · succeeded by version 2')
    await expect(triage.getByRole('link', { name: 'Request access to triage' }).isVisible()).resolves.toBe(true)
    // Only the nav a member key may use.
    expect(await memberPage.getByRole('navigation', { name: 'Dashboard' }).getByRole('link').allTextContents()).toEqual(['Prompts', 'Access requests'])
    await rig.screenshot(memberPage, 'portal-catalog')
    await triage.getByText('Input schema').click()
    expect(JSON.parse((await triage.locator('details.schema pre').first().textContent())!)).toMatchObject({ required: ['ticket', 'priority'] })
    expect(await memberPage.content()).not.toContain(memberKey)
  })

  it('asks for access to a prompt it cannot call, with a reason', async () => {
    expect((await callPrompt(rig, memberKey, 'triage', { ticket: 'Refund please', priority: 'low' })).status).toBe(403)
    await memberPage.locator('article[data-prompt="triage"]').getByRole('link', { name: 'Request access to triage' }).click()
    expect(new URL(memberPage.url()).pathname).toBe('/ui/prompts/triage')
    await expect(memberPage.getByRole('button', { name: 'Try it' }).count()).resolves.toBe(0)
    await memberPage.getByLabel('Reason').fill('Support wants to pre-sort tickets.')
    await memberPage.getByRole('button', { name: 'Request access' }).click()
    await memberPage.waitForURL((url) => url.pathname === '/ui/access')
    requestId = new URL(memberPage.url()).searchParams.get('requested')!
    expect(requestId).toMatch(/^ar_/)
    await expect(memberPage.getByRole('status').textContent()).resolves.toBe(`Access requested (${requestId}). An admin of your team will decide.`)
    await expect(memberPage.locator(`tr[data-request="${requestId}"] [data-status]`).textContent()).resolves.toBe('pending')
    // The catalog now says so, and the prompt's page shows the pending request instead of the form.
    await memberPage.goto('/ui/prompts/triage')
    await expect(memberPage.locator('#request-access [role="status"]').textContent()).resolves.toContain('is pending')
  })

  it('a team admin of another team does not see the request', async () => {
    const other = await rig.gw.createKey({ name: 'olaf', team: 'ops', role: 'team_admin' })
    const { page } = await rig.newPage()
    await rig.signIn(page, other)
    await page.goto('/ui/access')
    expect(await heading(page)).toBe('Access requests')
    await expect(page.getByRole('heading', { name: 'Requests from team ops' }).isVisible()).resolves.toBe(true)
    await expect(page.getByTestId('no-pending').textContent()).resolves.toBe('No request is waiting for a decision.')
    await expect(page.locator(`[data-request="${requestId}"]`).count()).resolves.toBe(0)
    // Nor can it decide it by posting the form anyway: the API answers "not found" for another team's request.
    const csrf = await page.locator('input[name="_csrf"]').first().inputValue()
    const refused = await page.request.post(`/ui/access/${requestId}/approve`, { form: { _csrf: csrf }, headers: { origin: rig.gw.url } })
    expect(refused.status()).toBe(404)
  })

  it('the team admin of the same team approves it in the portal, and the key can call the prompt', async () => {
    const admin = await rig.gw.createKey({ name: 'rita', team: 'research', role: 'team_admin' })
    const { page } = await rig.newPage()
    await rig.signIn(page, admin)
    await page.getByRole('navigation', { name: 'Dashboard' }).getByRole('link', { name: 'Access requests' }).click()
    await page.waitForURL((url) => url.pathname === '/ui/access')
    const item = page.locator(`li[data-request="${requestId}"]`)
    await expect(item.locator('p').first().textContent()).resolves.toMatch(/^ana \(team research\) asks for triage on \d{4}-\d{2}-\d{2} \d{2}:\d{2}$/)
    await expect(item.locator('blockquote').textContent()).resolves.toBe('Support wants to pre-sort tickets.')
    await rig.screenshot(page, 'portal-access-requests')
    await item.getByRole('button', { name: "Approve ana's request for triage" }).click()
    await page.waitForURL((url) => url.searchParams.get('approved') === requestId)
    await expect(page.getByRole('status').textContent()).resolves.toBe(`Approved ${requestId}: the key may call the prompt API now.`)
    await expect(page.locator(`li[data-request="${requestId}"]`).count()).resolves.toBe(0)

    const called = await callPrompt(rig, memberKey, 'triage', { ticket: 'Refund please', priority: 'low' })
    expect(called.status).toBe(200)
    expect(await called.json()).toMatchObject({ prompt: 'triage', version: '2', output: RECORDED_ANSWER })
  })

  it('a refusal carries the admin\'s note back to the key holder', async () => {
    const asked = await fetch(`${rig.gw.url}/v1/prompts/translate/access-requests`, {
      method: 'POST', headers: { authorization: `Bearer ${memberKey}`, 'content-type': 'application/json' }, body: JSON.stringify({ reason: 'French customers' }),
    })
    const { id } = (await asked.json()) as { id: string }
    const { page } = await rig.newPage()
    await rig.signIn(page, await rig.gw.createKey({ name: 'rui', team: 'research', role: 'team_admin' }))
    await page.goto('/ui/access')
    const item = page.locator(`li[data-request="${id}"]`)
    await item.getByLabel('Note').fill('Use summarize for now.')
    await item.getByRole('button', { name: "Refuse ana's request for translate" }).click()
    await page.waitForURL((url) => url.searchParams.get('refused') === id)
    await memberPage.goto('/ui/access')
    const row = memberPage.locator(`tr[data-request="${id}"]`)
    await expect(row.locator('[data-status]').textContent()).resolves.toBe('refused')
    await expect(row.locator('td').last().textContent()).resolves.toBe('Use summarize for now.')
    expect((await callPrompt(rig, memberKey, 'translate', { text: 'Hi', target_language: 'French' })).status).toBe(403)
  })

  it('"Try it" builds the body from the form, calls the prompt and shows the output; snippets are ready to paste', async () => {
    await memberPage.goto('/ui/access')
    await expect(memberPage.locator(`tr[data-request="${requestId}"] [data-status]`).textContent()).resolves.toBe('approved')
    await memberPage.goto('/ui/prompts/triage')
    expect(await heading(memberPage)).toBe('triage')
    // Labels are tied to their controls; defaults are filled in; required fields are marked.
    await expect(memberPage.getByLabel('max_words').inputValue()).resolves.toBe('80')
    await expect(memberPage.getByLabel('ticket').getAttribute('required')).resolves.not.toBeNull()
    await expect(memberPage.getByLabel('priority').locator('option').allTextContents()).resolves.toEqual(['low', 'normal', 'urgent'])
    await memberPage.getByLabel('ticket').fill('My invoice is wrong twice.')
    await memberPage.getByLabel('priority').selectOption({ label: 'urgent' })
    await memberPage.getByLabel('confidence').fill('0.7')
    await memberPage.getByLabel('notify').check()
    await memberPage.getByLabel('tags').fill('["billing", "vip"]')
    const before = rig.upstream.requests.length
    await memberPage.getByRole('button', { name: 'Try it' }).click()
    await memberPage.waitForURL((url) => url.pathname === '/ui/prompts/triage/try')
    await expect(memberPage.getByTestId('try-status').textContent()).resolves.toBe('HTTP 200')
    await expect(memberPage.getByTestId('try-output').textContent()).resolves.toBe(RECORDED_ANSWER)
    expect(rig.upstream.requests.length).toBe(before + 1)
    const sent = rig.upstream.requests.at(-1)!.body as { messages: Array<{ content: string }> }
    expect(sent.messages.map((m) => m.content)).toEqual([
      'Triage the ticket in at most 80 words. Priority: urgent. Notify: true. Tags: ["billing","vip"].',
      'My invoice is wrong twice.',
    ])
    // The form keeps what was typed.
    await expect(memberPage.getByLabel('tags').inputValue()).resolves.toBe('["billing", "vip"]')

    const body = { ticket: 'My invoice is wrong twice.', priority: 'urgent', max_words: 80, confidence: 0.7, notify: true, tags: ['billing', 'vip'] }
    const curl = await memberPage.locator('#snippet-curl').textContent()
    expect(curl).toBe([
      `curl '${rig.gw.url}/v1/prompts/triage' \\`,
      '  -H "Authorization: Bearer $MANIFOLD_API_KEY" \\',
      "  -H 'Content-Type: application/json' \\",
      `  -d '${JSON.stringify(body)}'`,
    ].join('\n'))
    const js = (await memberPage.locator('#snippet-javascript').textContent())!
    expect(js).toContain(`fetch(${JSON.stringify(`${rig.gw.url}/v1/prompts/triage`)}`)
    expect(js).toContain('Bearer ${process.env.MANIFOLD_API_KEY}')
    expect(js).not.toContain('openai')
    const py = (await memberPage.locator('#snippet-python').textContent())!
    expect(py).toContain(`"${rig.gw.url}/v1/prompts/triage"`)
    expect(py).toContain('"notify": True,')
    expect(py).toContain("os.environ['MANIFOLD_API_KEY']")
    await expect(memberPage.getByRole('button', { name: 'Copy the Python snippet' }).isVisible()).resolves.toBe(true)
    expect(await memberPage.content()).not.toContain(memberKey)

    await rig.screenshot(memberPage, 'portal-prompt')
  })

  it('the snippets run as pasted (curl, node, python) with the key in $MANIFOLD_API_KEY', async () => {
    const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', MANIFOLD_API_KEY: memberKey }
    const snippet = async (id: string) => (await memberPage.locator(`#snippet-${id}`).textContent())!
    const curl = await run('bash', ['-c', await snippet('curl')], env)
    expect(JSON.parse(curl)).toMatchObject({ prompt: 'triage', version: '2', output: RECORDED_ANSWER })
    expect(await run(process.execPath, ['--input-type=module', '-e', await snippet('javascript')], env)).toBe(`${RECORDED_ANSWER}\n`)
    expect(await run('python3', ['-c', await snippet('python')], env)).toBe(`${RECORDED_ANSWER}\n`)
  })

  it('shows an error in the API\'s own shape', async () => {
    await memberPage.goto('/ui/prompts/triage')
    await memberPage.getByLabel('ticket').fill('Hello')
    await memberPage.getByLabel('priority').selectOption({ label: 'low' })
    await memberPage.getByLabel('tags').fill('{"not": "a list"}')
    await memberPage.getByRole('button', { name: 'Try it' }).click()
    await memberPage.waitForURL((url) => url.pathname === '/ui/prompts/triage/try')
    await expect(memberPage.getByTestId('try-status').textContent()).resolves.toBe('HTTP 400')
    expect(JSON.parse((await memberPage.getByTestId('try-body').textContent())!)).toEqual({
      error: {
        message: 'Invalid input for triage v2: tags: must be an array.', type: 'invalid_request_error', param: 'tags', code: 'invalid_prompt_input',
        fields: [{ field: 'tags', message: 'must be an array' }],
      },
    })
    // Text that is not JSON never reaches the API.
    await memberPage.getByLabel('tags').fill('[billing')
    const before = rig.upstream.requests.length
    await memberPage.getByRole('button', { name: 'Try it' }).click()
    await expect(memberPage.getByRole('alert').textContent()).resolves.toBe('This is not valid JSON.')
    await expect(memberPage.getByLabel('tags').getAttribute('aria-invalid')).resolves.toBe('true')
    expect(rig.upstream.requests.length).toBe(before)
  })

  it('a version page calls that version, and the portal works at phone width by keyboard', async () => {
    const { page } = await rig.newPage({ viewport: PHONE_VIEWPORT })
    await rig.signIn(page, memberKey)
    await page.goto('/ui/prompts/triage/versions/1')
    expect(await heading(page)).toBe('triage · version 1')
    await expect(page.locator('dl.facts').first().textContent()).resolves.toContain('Deprecated on2026-11-01Sunset2027-01-31Successorversion 2')
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true)
    // Keyboard only: focus the first field, type, tab to the select and choose, then submit with Enter.
    await page.getByLabel('ticket').focus()
    await page.keyboard.type('Parcel lost')
    await page.keyboard.press('Tab')
    await page.keyboard.press('ArrowDown')
    await page.getByLabel('max_words').focus()
    await page.keyboard.press('Enter')
    await page.waitForURL((url) => url.pathname === '/ui/prompts/triage/versions/1/try')
    await expect(page.getByTestId('try-status').textContent()).resolves.toBe('HTTP 200')
    await expect(page.locator('#try-output dl.facts').textContent()).resolves.toContain('x-manifold-prompttriage@1')
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true)
    await rig.screenshot(page, 'portal-prompt-phone')
  })
})
