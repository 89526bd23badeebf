import type { Context } from 'hono'
import { uiApi } from '../api-client.js'
import { Page } from '../layout.js'
import type { UiEnv } from '../ui-env.js'
import type { AccessRequest, ApiList, PromptDescription } from './api-types.js'
import { lifecycleText, promptPageUrl, SchemaDetails, StatusBadge } from './lifecycle.js'
import { formFields } from './schema-fields.js'

/** The key's own requests (the admin key has none: it may call everything). */
export async function ownAccessRequests(c: Context<UiEnv>): Promise<AccessRequest[]> {
  if (c.get('session').principal.kind === 'admin') return []
  return (await uiApi(c).get<ApiList<AccessRequest>>('/v1/access-requests')).data
}

/** Every published prompt API, the ones the key may not call too (so it can ask for them). */
export async function promptCatalog(c: Context<UiEnv>): Promise<PromptDescription[]> {
  return (await uiApi(c).get<ApiList<PromptDescription>>('/v1/prompts?include=requestable')).data
}

function AccessState({ prompt, pending }: { prompt: PromptDescription; pending: AccessRequest | undefined }) {
  if (prompt.allowed) return <span class="badge ok">You can call it</span>
  if (pending) return <span class="badge warn">Access requested</span>
  return <a class="button secondary" href={`${promptPageUrl(prompt.name)}#request-access`} aria-label={`Request access to ${prompt.name}`}>Request access</a>
}

function PromptCard({ prompt, pending }: { prompt: PromptDescription; pending: AccessRequest | undefined }) {
  const inputs = formFields(prompt.input)
  const older = prompt.versions.filter((v) => v.version !== prompt.version)
  return (
    <article class="panel prompt-card" data-prompt={prompt.name} aria-labelledby={`prompt-${prompt.name}`}>
      <header class="prompt-card-head">
        <h2 id={`prompt-${prompt.name}`}><a href={promptPageUrl(prompt.name)}>{prompt.name}</a></h2>
        <span>version {prompt.version} <StatusBadge status={prompt.status} /></span>
      </header>
      <p>{prompt.description}</p>
      <dl class="facts">
        <dt>Path</dt><dd><code>POST {prompt.path}</code></dd>
        <dt>Input</dt>
        <dd>{inputs.length === 0 ? 'none' : inputs.map((f, i) => (
          <>{i > 0 ? ', ' : ''}<code>{f.name}</code>{f.required ? '' : ' (optional)'}</>
        ))}</dd>
        <dt>Output</dt><dd>{prompt.output ? 'JSON (schema below)' : 'text'}</dd>
        {older.length > 0 ? <><dt>Other versions</dt><dd>{older.map((v) => (
          <span class="version-line">{v.version} <StatusBadge status={v.status} />{lifecycleText(v) ? ` ${lifecycleText(v)}` : ''}</span>
        ))}</dd></> : null}
      </dl>
      <SchemaDetails label="Input schema" schema={prompt.input} />
      <SchemaDetails label="Output schema" schema={prompt.output} />
      <div class="actions prompt-card-actions">
        <AccessState prompt={prompt} pending={pending} />
        {prompt.allowed ? <a class="button" href={promptPageUrl(prompt.name)} aria-label={`Try ${prompt.name}`}>Try it</a> : null}
      </div>
    </article>
  )
}

/** GET /ui/prompts: the catalog of prompt APIs, with what the session's key may do with each. */
export async function catalogPage(c: Context<UiEnv>) {
  const [prompts, requests] = await Promise.all([promptCatalog(c), ownAccessRequests(c)])
  const pendingFor = (name: string) => requests.find((r) => r.prompt === name && r.status === 'pending')
  return c.html(
    <Page title="Prompt APIs" active="prompts" session={c.get('session')}>
      <p class="muted">Prompt files this gateway publishes as REST endpoints. Open one to try it and copy a call; ask for access to the ones your key cannot call yet.</p>
      {prompts.length === 0
        ? <p class="notice">No prompt API is published on this gateway.</p>
        : <div class="prompt-grid">{prompts.map((p) => <PromptCard prompt={p} pending={pendingFor(p.name)} />)}</div>}
    </Page>,
  )
}
