import { describe, expect, it } from 'vitest'
import { ADMIN, call } from './worker-harness.js'

const json = (key: string, method: string, body?: unknown): RequestInit & { key: string } =>
  ({ key, method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) })

/** Issue 15 on workerd: an approval reaches the isolate's key cache and the key's Durable Object at once. */
describe('access requests on workerd', () => {
  it('a team admin approves and the key calls the prompt API on its very next request', async () => {
    const made = async (body: Record<string, unknown>) => (await (await call('/admin/keys', json(ADMIN, 'POST', body))).json()) as { id: string; key: string }
    const teamAdmin = await made({ name: 'wk team admin', team: 'wk-team', role: 'team_admin' })
    const member = await made({ name: 'wk member', team: 'wk-team', prompts: ['summarize'] })
    const translate = () => call('/v1/prompts/translate', json(member.key, 'POST', { text: 'Hello', target_language: 'French' }))

    // Both the isolate's cache and the Durable Object have seen the key before the approval.
    expect((await call('/v1/prompts/summarize', json(member.key, 'POST', { text: 'A long text.' }))).status).toBe(200)
    expect((await translate()).status).toBe(403)

    const asked = await call('/v1/prompts/translate/access-requests', json(member.key, 'POST', { reason: 'workers' }))
    expect(asked.status).toBe(201)
    const { id } = (await asked.json()) as { id: string }
    const approved = await call(`/admin/access-requests/${id}/approve`, json(teamAdmin.key, 'POST'))
    expect(approved.status).toBe(200)
    expect(((await approved.json()) as { status: string }).status).toBe('approved')

    const res = await translate()
    expect(res.status).toBe(200)
    expect(((await res.json()) as { prompt: string }).prompt).toBe('translate')
    const key = (await (await call(`/admin/keys/${member.id}`, { key: teamAdmin.key })).json()) as { prompts: string[] }
    expect(key.prompts).toEqual(['summarize', 'translate'])
  })
})
