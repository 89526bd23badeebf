import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { startMeteredGateway, type MeteredGateway } from '../support/metering-gateway.js'

interface KeyJson { id: string; name: string; team: string | null; role: string; key?: string; prompts?: string[] | null }
interface ErrorJson { error: { type: string; code: string; message: string } }

/** Two teams, each with a team admin and a member, and a key in no team (issue 15: team admins). */
describe('team admin keys manage only their own team', () => {
  let m: MeteredGateway
  let red: { admin: string; adminId: string; member: string; memberId: string }
  let blueMemberId: string
  let blueMember: string

  async function make(body: Record<string, unknown>, key?: string) {
    const res = await m.admin('POST', '/admin/keys', body, key)
    return { status: res.status, body: await res.json() as KeyJson & ErrorJson }
  }

  beforeEach(async () => {
    m = await startMeteredGateway()
    const redAdmin = (await make({ name: 'red admin', team: 'red', role: 'team_admin' })).body
    const redMember = (await make({ name: 'red member', team: 'red' })).body
    const blue = (await make({ name: 'blue member', team: 'blue' })).body
    red = { admin: redAdmin.key!, adminId: redAdmin.id, member: redMember.key!, memberId: redMember.id }
    blueMemberId = blue.id
    blueMember = blue.key!
  })
  afterEach(async () => {
    await m.close()
  })

  const as = (method: string, path: string, body?: unknown) => m.admin(method, path, body, red.admin)

  it('shows role in the key JSON, and a team_admin key needs a team', async () => {
    const shown = await (await m.admin('GET', `/admin/keys/${red.adminId}`)).json() as KeyJson
    expect([shown.team, shown.role]).toEqual(['red', 'team_admin'])
    const noTeam = await make({ name: 'lost', role: 'team_admin' })
    expect(noTeam.status).toBe(400)
    expect(noTeam.body.error).toMatchObject({ code: 'invalid_key_field', message: "Invalid value for 'team': a key with the role team_admin needs a team." })
    const cleared = await m.admin('PATCH', `/admin/keys/${red.adminId}`, { team: null })
    expect(cleared.status).toBe(400)
  })

  it('lists only its team, and refuses team= naming another team with 403 team_scope', async () => {
    const list = await (await as('GET', '/admin/keys')).json() as { data: KeyJson[] }
    expect(list.data.map((k) => k.name).sort()).toEqual(['red admin', 'red member'])
    const own = await (await as('GET', '/admin/keys?team=red')).json() as { data: KeyJson[] }
    expect(own.data).toHaveLength(2)
    const other = await as('GET', '/admin/keys?team=blue')
    expect(other.status).toBe(403)
    expect(((await other.json()) as ErrorJson).error).toMatchObject({ type: 'permission_error', code: 'team_scope' })
    const byAdmin = await (await m.admin('GET', '/admin/keys?team=blue')).json() as { data: KeyJson[] }
    expect(byAdmin.data.map((k) => k.name)).toEqual(['blue member'])
  })

  it('answers 404 key_not_found for another team\'s key on every key route, and leaves that key unchanged', async () => {
    for (const [method, path, body] of [
      ['GET', `/admin/keys/${blueMemberId}`, undefined],
      ['PATCH', `/admin/keys/${blueMemberId}`, { rpm: 1 }],
      ['POST', `/admin/keys/${blueMemberId}/rotate`, undefined],
      ['DELETE', `/admin/keys/${blueMemberId}`, undefined],
    ] as const) {
      const res = await as(method, path, body)
      expect(res.status, `${method} ${path}`).toBe(404)
      expect(((await res.json()) as ErrorJson).error).toEqual({
        type: 'invalid_request_error', code: 'key_not_found', param: null, message: `No API key with id ${blueMemberId}.`,
      })
    }
    const blue = await (await m.admin('GET', `/admin/keys/${blueMemberId}`)).json() as KeyJson & { rpm: number | null; revoked_at: string | null }
    expect([blue.rpm, blue.revoked_at]).toEqual([null, null])
    expect((await m.chat(blueMember)).status).toBe(200)
  })

  it('creates member keys in its own team only', async () => {
    const made = await make({ name: 'new red' }, red.admin)
    expect(made.status).toBe(201)
    expect([made.body.team, made.body.role]).toEqual(['red', 'member'])
    expect((await make({ name: 'same team', team: 'red' }, red.admin)).status).toBe(201)
    for (const [body, message] of [
      [{ name: 'x', team: 'blue' }, 'Only the admin key may move a key to another team.'],
      [{ name: 'x', role: 'team_admin' }, 'Only the admin key may create or change a team admin key.'],
    ] as const) {
      const refused = await make(body, red.admin)
      expect(refused.status).toBe(403)
      expect(refused.body.error).toMatchObject({ type: 'permission_error', code: 'admin_required', message })
    }
  })

  it('edits, rotates and revokes its member keys, but not a team admin key nor a key\'s team', async () => {
    const patched = await as('PATCH', `/admin/keys/${red.memberId}`, { rpm: 7 })
    expect(patched.status).toBe(200)
    expect(((await patched.json()) as { rpm: number }).rpm).toBe(7)
    expect((await as('PATCH', `/admin/keys/${red.memberId}`, { team: 'blue' })).status).toBe(403)
    expect((await as('PATCH', `/admin/keys/${red.memberId}`, { role: 'team_admin' })).status).toBe(403)
    expect((await as('PATCH', `/admin/keys/${red.adminId}`, { rpm: 1 })).status).toBe(403)
    expect((await as('POST', `/admin/keys/${red.adminId}/rotate`)).status).toBe(403)
    expect((await as('DELETE', `/admin/keys/${red.adminId}`)).status).toBe(403)

    const rotated = await as('POST', `/admin/keys/${red.memberId}/rotate`)
    expect(rotated.status).toBe(200)
    const secret = ((await rotated.json()) as KeyJson).key!
    expect((await m.chat(red.member)).status).toBe(401)
    expect((await m.chat(secret)).status).toBe(200)
    expect((await as('DELETE', `/admin/keys/${red.memberId}`)).status).toBe(200)
    expect((await m.chat(secret)).status).toBe(401)
  })

  it('sees only its team in /admin/usage and /admin/requests', async () => {
    expect((await m.chat(red.member)).status).toBe(200)
    expect((await m.chat(blueMember)).status).toBe(200)
    expect((await m.chat(blueMember)).status).toBe(200)
    await m.gw.deps.usage.flush()

    const usage = await (await as('GET', '/admin/usage?from=2026-07-01&to=2026-08-01&group_by=team')).json() as { data: Array<{ group: { team: string }; requests: number }> }
    expect(usage.data.map((r) => [r.group.team, r.requests])).toEqual([['red', 1]])
    const all = await (await m.admin('GET', '/admin/usage?from=2026-07-01&to=2026-08-01&group_by=team')).json() as { data: Array<{ group: { team: string }; requests: number }> }
    expect(all.data.map((r) => [r.group.team, r.requests])).toEqual([['blue', 2], ['red', 1]])
    expect((await as('GET', '/admin/usage?team=blue')).status).toBe(403)

    const log = await (await as('GET', '/admin/requests')).json() as { data: Array<{ key_id: string; team: string }> }
    expect(log.data.map((r) => [r.key_id, r.team])).toEqual([[red.memberId, 'red']])
    expect((await as('GET', '/admin/requests?team=blue')).status).toBe(403)
  })

  it('refuses a team admin everything else under /admin, and a member key every admin route', async () => {
    for (const [key, path] of [[red.admin, '/admin/prices'], [red.admin, '/health/targets'], [red.member, '/admin/keys'], [red.member, '/admin/usage']] as const) {
      const res = await m.admin('GET', path, undefined, key)
      expect(res.status, path).toBe(403)
      expect(((await res.json()) as ErrorJson).error).toMatchObject({ type: 'permission_error', code: 'admin_required' })
    }
  })

  it('calls models with its own scopes like any key', async () => {
    expect((await m.chat(red.admin)).status).toBe(200)
  })
})
