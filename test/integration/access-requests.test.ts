import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startHardeningGateway, TEAM_ADMIN_TEAM, type HardeningGateway } from '../support/hardening-gateway.js'

interface AccessRequestJson {
  object: string; id: string; prompt: string; status: string; reason: string | null; created_at: string; decided_at: string | null
  note: string | null; key_id?: string; key_name?: string | null; team?: string | null; decided_by?: string | null
}
interface ErrorJson { error: { type: string; code: string; message: string } }

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/

/** Access requests (issue 15): a key asks for a prompt API, its team's admin (or the admin key) decides. */
describe('access requests to prompt APIs', () => {
  let h: HardeningGateway
  const keys: Record<string, { secret: string; id: string }> = {}

  beforeAll(async () => {
    h = await startHardeningGateway()
    for (const [name, team] of [['asker', TEAM_ADMIN_TEAM], ['refused', TEAM_ADMIN_TEAM], ['outsider', 'other-team']] as const) {
      const secret = await h.gw.createKey({ name, team, prompts: ['no-such-prompt'] })
      const list = await (await h.gw.request('/admin/keys')).json() as { data: Array<{ id: string; name: string }> }
      keys[name] = { secret, id: list.data.find((k) => k.name === name)!.id }
    }
  })
  afterAll(() => h.close())

  const send = async (key: string, method: string, path: string, body?: unknown) => {
    const res = await h.gw.request(path, {
      key, method, headers: body === undefined ? {} : { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body),
    })
    return { status: res.status, body: await res.json() as AccessRequestJson & ErrorJson & { data: AccessRequestJson[] } }
  }
  const callSentiment = (key: string) => send(key, 'POST', '/v1/prompts/sentiment', { text: 'I love it' })
  const ask = (key: string, body?: unknown) => send(key, 'POST', '/v1/prompts/sentiment/access-requests', body)

  it('asks, is refused a duplicate, is approved by its team admin, and calls the prompt at once', async () => {
    const asker = keys.asker!
    // The refusal also puts the key's row in the key cache: the approval must reach past it.
    expect((await callSentiment(asker.secret)).body.error.code).toBe('prompt_not_allowed')

    const asked = await ask(asker.secret, { reason: 'Ticket triage needs it.' })
    expect(asked.status).toBe(201)
    const { id, created_at: createdAt, ...rest } = asked.body
    expect(id).toMatch(/^ar_/)
    expect(createdAt).toMatch(ISO)
    expect(rest).toEqual({ object: 'access_request', prompt: 'sentiment', status: 'pending', reason: 'Ticket triage needs it.', decided_at: null, note: null })

    const again = await ask(asker.secret)
    expect([again.status, again.body.error.code]).toEqual([409, 'already_requested'])

    const own = await send(asker.secret, 'GET', '/v1/access-requests')
    expect(own.body.data).toEqual([asked.body])

    const pending = await send(h.keys['team-admin']!, 'GET', '/admin/access-requests?status=pending')
    expect(pending.body.data.map((r) => [r.id, r.key_id, r.key_name, r.team])).toEqual([[id, asker.id, 'asker', TEAM_ADMIN_TEAM]])

    const approved = await send(h.keys['team-admin']!, 'POST', `/admin/access-requests/${id}/approve`)
    expect(approved.status).toBe(200)
    expect(approved.body).toMatchObject({ id, status: 'approved', key_id: asker.id, team: TEAM_ADMIN_TEAM })
    expect(approved.body.decided_at).toMatch(ISO)

    const called = await callSentiment(asker.secret)
    expect(called.status).toBe(200)
    const key = await (await h.gw.request(`/admin/keys/${asker.id}`)).json() as { prompts: string[] }
    expect(key.prompts).toEqual(['no-such-prompt', 'sentiment'])

    const twice = await send(h.gw.adminKey, 'POST', `/admin/access-requests/${id}/approve`)
    expect([twice.status, twice.body.error.code]).toEqual([409, 'already_decided'])
    const allowed = await ask(asker.secret)
    expect([allowed.status, allowed.body.error.code]).toEqual([409, 'already_allowed'])
  })

  it('refuses with a note the key holder sees; the key stays without the prompt and may ask again', async () => {
    const refusedKey = keys.refused!
    const asked = await ask(refusedKey.secret)
    expect(asked.body.reason).toBeNull()
    const refused = await send(h.gw.adminKey, 'POST', `/admin/access-requests/${asked.body.id}/refuse`, { note: 'Use the triage key.' })
    expect(refused.status).toBe(200)
    expect(refused.body).toMatchObject({ status: 'refused', note: 'Use the triage key.', decided_by: 'admin' })
    const own = await send(refusedKey.secret, 'GET', '/v1/access-requests')
    expect(own.body.data.map((r) => [r.status, r.note])).toEqual([['refused', 'Use the triage key.']])
    expect((await callSentiment(refusedKey.secret)).status).toBe(403)
    const approveRefused = await send(h.gw.adminKey, 'POST', `/admin/access-requests/${asked.body.id}/approve`)
    expect(approveRefused.body.error.code).toBe('already_decided')
    expect((await ask(refusedKey.secret)).status).toBe(201)
  })

  it('keeps another team\'s requests from a team admin: not listed, not found, 403 for team=', async () => {
    const outsider = await ask(keys.outsider!.secret)
    const teamAdmin = h.keys['team-admin']!
    const listed = await send(teamAdmin, 'GET', '/admin/access-requests')
    expect(listed.body.data.every((r) => r.team === TEAM_ADMIN_TEAM)).toBe(true)
    expect(listed.body.data.map((r) => r.id)).not.toContain(outsider.body.id)
    for (const action of ['approve', 'refuse']) {
      const res = await send(teamAdmin, 'POST', `/admin/access-requests/${outsider.body.id}/${action}`)
      expect([res.status, res.body.error.code]).toEqual([404, 'access_request_not_found'])
    }
    expect((await send(teamAdmin, 'GET', '/admin/access-requests?team=other-team')).status).toBe(403)
    const byAdmin = await send(h.gw.adminKey, 'GET', '/admin/access-requests?team=other-team&status=pending')
    expect(byAdmin.body.data.map((r) => r.id)).toEqual([outsider.body.id])
    expect((await send(keys.outsider!.secret, 'GET', '/admin/access-requests')).status).toBe(403)
  })

  it('answers 404 for an unknown prompt, 400 for the admin key and for a bad body or status', async () => {
    const unknown = await send(keys.asker!.secret, 'POST', '/v1/prompts/no-such-prompt/access-requests')
    expect([unknown.status, unknown.body.error.code]).toEqual([404, 'prompt_not_found'])
    const admin = await ask(h.gw.adminKey)
    expect([admin.status, admin.body.error.code]).toEqual([400, 'admin_key'])
    expect((await ask(keys.outsider!.secret, { reason: 'x'.repeat(1001) })).status).toBe(400)
    expect((await ask(keys.outsider!.secret, { reason: 'ok', key_id: 'key_someone_else' })).status).toBe(400)
    expect((await send(h.gw.adminKey, 'GET', '/admin/access-requests?status=maybe')).status).toBe(400)
  })

  it('does not approve the request of a key revoked since it asked', async () => {
    const secret = await h.gw.createKey({ name: 'soon revoked', prompts: [] })
    const asked = await ask(secret)
    const keyId = (await send(h.gw.adminKey, 'GET', '/admin/access-requests?status=pending')).body.data.find((r) => r.id === asked.body.id)!.key_id!
    expect((await send(h.gw.adminKey, 'DELETE', `/admin/keys/${keyId}`)).status).toBe(200)
    const approve = await send(h.gw.adminKey, 'POST', `/admin/access-requests/${asked.body.id}/approve`)
    expect([approve.status, approve.body.error.code]).toEqual([409, 'key_revoked'])
    const still = await send(h.gw.adminKey, 'GET', '/admin/access-requests?status=pending')
    expect(still.body.data.map((r) => r.id)).toContain(asked.body.id)
  })
})
