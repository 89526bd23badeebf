import { Hono, type Context } from 'hono'
import { UiApiError, uiApi } from '../api-client.js'
import { CsrfField } from '../csrf.js'
import { Field } from '../field.js'
import { MISSING } from '../format.js'
import { Page } from '../layout.js'
import { uiRole, type UiEnv } from '../ui-env.js'
import { createKeyBody, updateKeyBody } from './key-form.js'
import {
  ConfirmForm, KeyFacts, LimitFields, limitsText, SecretOnce, SpendBar, StatusBadge, type KeyJson, type KeyWithSpend,
} from './key-views.js'

/** Spend bars need GET /admin/keys/:id per key: done for this many active keys at most. */
const MAX_SPEND_LOOKUPS = 100

const keyPath = (id: string) => `/admin/keys/${encodeURIComponent(id)}`

/** An API refusal a person can fix (a bad field, a revoked key) is shown on the page; anything else is an error page. */
function formProblem(err: unknown): string {
  if (err instanceof UiApiError && err.status >= 400 && err.status < 500 && err.status !== 401 && err.status !== 403 && err.status !== 404) return err.message
  throw err
}

function KeysTable({ keys }: { keys: KeyWithSpend[] }) {
  return (
    <div class="table-wrap">
      <table data-testid="keys-table">
        <thead><tr>
          <th scope="col">Name</th><th scope="col">Prefix</th><th scope="col">Team</th><th scope="col">Role</th>
          <th scope="col" class="hide-narrow">Limits</th><th scope="col">Spend</th><th scope="col">Status</th>
        </tr></thead>
        <tbody>
          {keys.length === 0 ? <tr><td colspan={7} class="muted">No keys yet.</td></tr> : keys.map((key) => (
            <tr data-key-id={key.id}>
              <th scope="row"><a href={`/ui/keys/${encodeURIComponent(key.id)}`}>{key.name}</a></th>
              <td class="mono">{key.prefix}</td>
              <td>{key.team ?? MISSING}</td>
              <td>{key.role}</td>
              <td class="hide-narrow">{limitsText(key)}</td>
              <td><SpendBar keyJson={key} /></td>
              <td><StatusBadge keyJson={key} /></td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}

function CreateKeyForm({ csrf, canChooseTeam }: { csrf: string; canChooseTeam: boolean }) {
  return (
    <form method="post" action="/ui/keys" class="panel" aria-labelledby="create-title">
      <h2 id="create-title">Create a key</h2>
      <CsrfField token={csrf} />
      <div class="form-grid">
        <Field label="Name" id="key-name"><input id="key-name" type="text" name="name" required maxlength={200} /></Field>
        {canChooseTeam ? <Field label="Team" id="key-team"><input id="key-team" type="text" name="team" maxlength={200} /></Field> : null}
        {canChooseTeam ? (
          <Field label="Role" id="key-role">
            <select id="key-role" name="role"><option value="member" selected>member</option><option value="team_admin">team admin</option></select>
          </Field>
        ) : null}
        <LimitFields />
        <button type="submit">Create key</button>
      </div>
    </form>
  )
}

/** The keys the session may see, with each active key's spend in its budget period. */
async function keysWithSpend(c: Context<UiEnv>): Promise<KeyWithSpend[]> {
  const api = uiApi(c)
  const { data } = await api.get<{ data: KeyJson[] }>('/admin/keys')
  const active = data.filter((k) => k.revoked_at === null).slice(0, MAX_SPEND_LOOKUPS)
  const details = await Promise.all(active.map((k) => api.get<KeyWithSpend>(keyPath(k.id))))
  const byId = new Map(details.map((d) => [d.id, d]))
  return data.map((k) => byId.get(k.id) ?? k)
}

async function keysPage(c: Context<UiEnv>, problem: string | null = null) {
  const session = c.get('session')
  const keys = await keysWithSpend(c)
  return c.html(
    <Page title="Keys" active="keys" session={session}>
      {problem ? <p class="notice error" role="alert">{problem}</p> : null}
      <CreateKeyForm csrf={session.csrfToken} canChooseTeam={uiRole(session.principal) === 'admin'} />
      <section class="panel" aria-labelledby="keys-title">
        <h2 id="keys-title">Keys</h2>
        <KeysTable keys={keys} />
      </section>
    </Page>,
    problem ? 400 : 200,
  )
}

async function keyPage(c: Context<UiEnv>, keyId: string, options: { secret?: { value: string; title: string }; problem?: string; notice?: string } = {}) {
  const session = c.get('session')
  const key = await uiApi(c).get<KeyWithSpend>(keyPath(keyId))
  const id = encodeURIComponent(key.id)
  return c.html(
    <Page title={`Key ${key.name}`} active="keys" session={session}>
      {options.secret ? <SecretOnce secret={options.secret.value} title={options.secret.title} /> : null}
      {options.notice ? <p class="notice ok" role="status">{options.notice}</p> : null}
      {options.problem ? <p class="notice error" role="alert">{options.problem}</p> : null}
      <section class="panel"><KeyFacts keyJson={key} /></section>
      {key.revoked_at === null ? (
        <>
          <form method="post" action={`/ui/keys/${id}`} class="panel" aria-labelledby="edit-title">
            <h2 id="edit-title">Edit name and limits</h2>
            <CsrfField token={session.csrfToken} />
            <div class="form-grid">
              <Field label="Name" id="key-name"><input id="key-name" type="text" name="name" required maxlength={200} value={key.name} /></Field>
              <LimitFields keyJson={key} />
              <button type="submit">Save</button>
            </div>
          </form>
          <section class="panel actions" aria-label="Rotate or revoke">
            <a class="button secondary" href={`/ui/keys/${id}/rotate`}>Rotate secret…</a>
            <a class="button secondary" href={`/ui/keys/${id}/revoke`}>Revoke key…</a>
          </section>
        </>
      ) : <p class="muted">This key is revoked; revocation is final.</p>}
      <p><a href="/ui/keys">All keys</a></p>
    </Page>,
    options.problem ? 400 : 200,
  )
}

async function confirmPage(c: Context<UiEnv>, action: 'rotate' | 'revoke') {
  const session = c.get('session')
  const key = await uiApi(c).get<KeyJson>(keyPath(c.req.param('id') ?? ''))
  const question = action === 'rotate'
    ? `Rotate the secret of "${key.name}" (${key.prefix})? The current secret stops working at once; the new one is shown once.`
    : `Revoke "${key.name}" (${key.prefix})? It stops working at once, and revocation cannot be undone.`
  return c.html(
    <Page title={action === 'rotate' ? 'Rotate key' : 'Revoke key'} active="keys" session={session}>
      <ConfirmForm action={`/ui/keys/${encodeURIComponent(key.id)}/${action}`} csrf={session.csrfToken} question={question}
        button={action === 'rotate' ? 'Rotate secret' : 'Revoke key'} />
    </Page>,
  )
}

/** /ui/keys: list, create (secret shown once), edit limits, rotate and revoke, each through /admin/keys. */
export function keyRoutes(): Hono<UiEnv> {
  const app = new Hono<UiEnv>()

  app.get('/ui/keys', (c) => keysPage(c))

  app.post('/ui/keys', async (c) => {
    const body = createKeyBody(await c.req.parseBody(), uiRole(c.get('session').principal) === 'admin')
    let created: KeyJson & { key: string }
    try {
      created = await uiApi(c).post<KeyJson & { key: string }>('/admin/keys', body)
    } catch (err) {
      return keysPage(c, formProblem(err))
    }
    return keyPage(c, created.id, { secret: { value: created.key, title: `Key "${created.name}" created` } })
  })

  app.get('/ui/keys/:id', (c) => keyPage(c, c.req.param('id'), { notice: c.req.query('saved') ? 'Saved.' : c.req.query('revoked') ? 'Revoked.' : undefined }))

  app.post('/ui/keys/:id', async (c) => {
    try {
      await uiApi(c).patch(keyPath(c.req.param('id')), updateKeyBody(await c.req.parseBody()))
    } catch (err) {
      return keyPage(c, c.req.param('id'), { problem: formProblem(err) })
    }
    return c.redirect(`/ui/keys/${encodeURIComponent(c.req.param('id'))}?saved=1`, 303)
  })

  app.get('/ui/keys/:id/rotate', (c) => confirmPage(c, 'rotate'))
  app.post('/ui/keys/:id/rotate', async (c) => {
    let rotated: KeyJson & { key: string }
    try {
      rotated = await uiApi(c).post<KeyJson & { key: string }>(`${keyPath(c.req.param('id'))}/rotate`)
    } catch (err) {
      return keyPage(c, c.req.param('id'), { problem: formProblem(err) })
    }
    return keyPage(c, rotated.id, { secret: { value: rotated.key, title: `New secret for "${rotated.name}"` } })
  })

  app.get('/ui/keys/:id/revoke', (c) => confirmPage(c, 'revoke'))
  app.post('/ui/keys/:id/revoke', async (c) => {
    await uiApi(c).delete(keyPath(c.req.param('id')))
    return c.redirect(`/ui/keys/${encodeURIComponent(c.req.param('id'))}?revoked=1`, 303)
  })

  return app
}
