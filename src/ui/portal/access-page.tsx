import type { Context } from 'hono'
import { uiApi } from '../api-client.js'
import { CsrfField } from '../csrf.js'
import { Page } from '../layout.js'
import { uiRole, type UiEnv, type UiSession } from '../ui-env.js'
import type { AccessRequest, AdminAccessRequest, ApiList } from './api-types.js'
import { ownAccessRequests } from './catalog-page.js'
import { promptPageUrl, StatusBadge } from './lifecycle.js'

export const ACCESS_PAGE = '/ui/access'
const ID = /^ar_[\w-]{1,64}$/

const day = (iso: string | null) => (iso === null ? '—' : iso.replace('T', ' ').slice(0, 16))

function DecideForms({ request, session }: { request: AdminAccessRequest; session: UiSession }) {
  const who = `${request.key_name ?? request.key_id}'s request for ${request.prompt}`
  return (
    <div class="decide">
      <form method="post" action={`${ACCESS_PAGE}/${request.id}/approve`} class="inline">
        <CsrfField token={session.csrfToken} />
        <button type="submit" aria-label={`Approve ${who}`}>Approve</button>
      </form>
      <form method="post" action={`${ACCESS_PAGE}/${request.id}/refuse`} class="refuse">
        <CsrfField token={session.csrfToken} />
        <label for={`note-${request.id}`}>Note <span class="muted">(optional, shown to the requester)</span></label>
        <input id={`note-${request.id}`} name="note" type="text" maxlength={1000} />
        <button type="submit" class="danger" aria-label={`Refuse ${who}`}>Refuse</button>
      </form>
    </div>
  )
}

function ToDecide({ requests, session }: { requests: AdminAccessRequest[]; session: UiSession }) {
  const pending = requests.filter((r) => r.status === 'pending')
  const decided = requests.filter((r) => r.status !== 'pending')
  const team = uiRole(session.principal) === 'team_admin' ? session.principal.kind === 'key' ? session.principal.key.team : null : null
  return (
    <section class="panel" aria-labelledby="to-decide-title">
      <h2 id="to-decide-title">{team ? `Requests from team ${team}` : 'Requests from every team'}</h2>
      {pending.length === 0 ? <p class="muted" data-testid="no-pending">No request is waiting for a decision.</p> : (
        <ul class="request-list">
          {pending.map((r) => (
            <li class="request" data-request={r.id}>
              <p><strong>{r.key_name ?? r.key_id}</strong> <span class="muted">({r.team ? `team ${r.team}` : 'no team'})</span> asks for <a href={promptPageUrl(r.prompt)}><code>{r.prompt}</code></a> <span class="muted">on {day(r.created_at)}</span></p>
              {r.reason ? <blockquote>{r.reason}</blockquote> : <p class="muted">No reason given.</p>}
              <DecideForms request={r} session={session} />
            </li>
          ))}
        </ul>
      )}
      {decided.length > 0 ? (
        <details>
          <summary>{`Decided (${decided.length})`}</summary>
          <div class="table-wrap">
            <table>
              <thead><tr><th scope="col">Key</th><th scope="col">Prompt</th><th scope="col">Status</th><th scope="col">Decided</th><th scope="col">Note</th></tr></thead>
              <tbody>{decided.map((r) => (
                <tr data-request={r.id}><td>{r.key_name ?? r.key_id}</td><td><code>{r.prompt}</code></td><td><StatusBadge status={r.status} /></td><td>{day(r.decided_at)}</td><td>{r.note ?? ''}</td></tr>
              ))}</tbody>
            </table>
          </div>
        </details>
      ) : null}
    </section>
  )
}

function OwnRequests({ requests }: { requests: AccessRequest[] }) {
  return (
    <section class="panel" aria-labelledby="own-title">
      <h2 id="own-title">Your requests</h2>
      {requests.length === 0 ? <p class="muted">You have not asked for access to any prompt API. <a href="/ui/prompts">Browse the catalog</a>.</p> : (
        <div class="table-wrap">
          <table>
            <thead><tr><th scope="col">Prompt</th><th scope="col">Status</th><th scope="col">Asked</th><th scope="col">Decided</th><th scope="col">Note</th></tr></thead>
            <tbody>{requests.map((r) => (
              <tr data-request={r.id}>
                <td><a href={promptPageUrl(r.prompt)}><code>{r.prompt}</code></a></td>
                <td><StatusBadge status={r.status} /></td><td>{day(r.created_at)}</td><td>{day(r.decided_at)}</td><td>{r.note ?? ''}</td>
              </tr>
            ))}</tbody>
          </table>
        </div>
      )}
    </section>
  )
}

/** The notice after a post redirected here: what was just asked or decided. */
function outcomeNotice(c: Context<UiEnv>): string | null {
  const [action, id] = (['requested', 'approved', 'refused'] as const)
    .map((a) => [a, c.req.query(a)] as const).find(([, value]) => value !== undefined && ID.test(value)) ?? []
  if (!action || !id) return null
  if (action === 'requested') return `Access requested (${id}). An admin of your team will decide.`
  return action === 'approved' ? `Approved ${id}: the key may call the prompt API now.` : `Refused ${id}.`
}

/**
 * GET /ui/access: a key holder's own requests; admins and team admins also see the requests of their
 * scope (the API decides which) and approve or refuse them.
 */
export async function accessPage(c: Context<UiEnv>) {
  const session = c.get('session')
  const manages = uiRole(session.principal) !== 'member'
  const [own, scoped] = await Promise.all([
    ownAccessRequests(c),
    manages ? uiApi(c).get<ApiList<AdminAccessRequest>>('/admin/access-requests').then((list) => list.data) : Promise.resolve([]),
  ])
  const notice = outcomeNotice(c)
  return c.html(
    <Page title="Access requests" active="access-requests" session={session}>
      {notice ? <p class="notice ok" role="status">{notice}</p> : null}
      {manages ? <ToDecide requests={scoped} session={session} /> : null}
      {session.principal.kind === 'admin' ? null : <OwnRequests requests={own} />}
    </Page>,
  )
}

/** POST /ui/access/:id/approve: the prompt joins the key's scopes (through the API). */
export async function approveRequest(c: Context<UiEnv>) {
  const id = c.req.param('id')!
  await uiApi(c).post(`/admin/access-requests/${encodeURIComponent(id)}/approve`)
  return c.redirect(`${ACCESS_PAGE}?approved=${encodeURIComponent(id)}`, 303)
}

/** POST /ui/access/:id/refuse, with the optional note the requester will read. */
export async function refuseRequest(c: Context<UiEnv>) {
  const id = c.req.param('id')!
  const form = await c.req.parseBody()
  const note = typeof form.note === 'string' && form.note.trim() !== '' ? form.note.trim() : null
  await uiApi(c).post(`/admin/access-requests/${encodeURIComponent(id)}/refuse`, { note })
  return c.redirect(`${ACCESS_PAGE}?refused=${encodeURIComponent(id)}`, 303)
}
