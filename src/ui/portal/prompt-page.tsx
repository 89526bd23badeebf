import type { Context } from 'hono'
import { UiApiError, uiApi } from '../api-client.js'
import { CsrfField } from '../csrf.js'
import { Page } from '../layout.js'
import type { UiEnv, UiSession } from '../ui-env.js'
import type { AccessRequest, PromptDescription } from './api-types.js'
import { ownAccessRequests, promptCatalog } from './catalog-page.js'
import { initialValues, readSubmittedForm } from './form-body.js'
import { promptPageUrl, SchemaDetails, StatusBadge, VersionsTable } from './lifecycle.js'
import { SchemaFormFields } from './schema-form.js'
import { exampleBody, formFields } from './schema-fields.js'
import { promptSnippets, publicBaseUrl } from './snippets.js'
import { tryPrompt, type TryResult } from './try-call.js'

const apiPath = (name: string, version?: string) =>
  version === undefined ? `/v1/prompts/${encodeURIComponent(name)}` : `/v1/prompts/${encodeURIComponent(name)}/versions/${encodeURIComponent(version)}`

/**
 * The prompt (or one version) as the API describes it to this key. A key without access gets a 403 there;
 * the catalog still describes the prompt's published version to it, so it can read about it and ask for access.
 */
async function loadPrompt(c: Context<UiEnv>, name: string, version: string | undefined): Promise<PromptDescription> {
  try {
    return await uiApi(c).get<PromptDescription>(apiPath(name, version))
  } catch (err) {
    if (!(err instanceof UiApiError) || err.code !== 'prompt_not_allowed') throw err
    const listed = (await promptCatalog(c)).find((p) => p.name === name)
    if (!listed) throw err
    return listed
  }
}

function RequestAccess({ prompt, session, pending }: { prompt: PromptDescription; session: UiSession; pending: AccessRequest | undefined }) {
  return (
    <section class="panel" id="request-access" aria-labelledby="request-access-title">
      <h2 id="request-access-title">Request access</h2>
      <p>Your key may not call <code>{prompt.name}</code> yet. An admin of your team can allow it.</p>
      {pending
        ? <p class="notice" role="status">Your request of {pending.created_at.slice(0, 10)} is <StatusBadge status="pending" />. <a href="/ui/access">See your requests</a>.</p>
        : (
          <form method="post" action={`${promptPageUrl(prompt.name)}/access-requests`}>
            <CsrfField token={session.csrfToken} />
            <label for="access-reason">Reason <span class="muted">(optional: what you will use it for)</span></label>
            <textarea id="access-reason" name="reason" rows={3} maxlength={1000}></textarea>
            <p><button type="submit">Request access</button></p>
          </form>
        )}
    </section>
  )
}

function TryOutput({ result }: { result: TryResult }) {
  const ok = result.status >= 200 && result.status < 300
  const output = ok && result.body && typeof result.body === 'object' && 'output' in result.body ? result.body.output : undefined
  return (
    <section class="panel" aria-labelledby="try-output-title" id="try-output" tabindex={-1}>
      <h2 id="try-output-title">{ok ? 'Output' : 'Error'} <span class={`badge ${ok ? 'ok' : 'error'}`} data-testid="try-status">HTTP {result.status}</span></h2>
      {output !== undefined
        ? <pre class="output" data-testid="try-output">{typeof output === 'string' ? output : JSON.stringify(output, null, 2)}</pre>
        : null}
      {result.headers.length > 0
        ? <dl class="facts">{result.headers.map(([name, value]) => <><dt>{name}</dt><dd><code>{value}</code></dd></>)}</dl>
        : null}
      <details open={!ok}>
        <summary>{ok ? 'Full response' : 'Response body'}</summary>
        <pre data-testid="try-body"><code>{typeof result.body === 'string' ? result.body : JSON.stringify(result.body, null, 2)}</code></pre>
      </details>
    </section>
  )
}

interface PromptViewProps {
  prompt: PromptDescription
  version: string | undefined
  session: UiSession
  baseUrl: string
  values: Record<string, string>
  errors: Record<string, string>
  snippetBody: unknown
  result?: TryResult
  pending?: AccessRequest
}

function PromptView(props: PromptViewProps) {
  const { prompt, version, session } = props
  const callPath = apiPath(prompt.name, version)
  const fields = formFields(prompt.input)
  const current = prompt.versions.find((v) => v.version === prompt.version)
  return (
    <Page title={version === undefined ? prompt.name : `${prompt.name} · version ${version}`} active="prompts" session={session}>
      <p><a href="/ui/prompts">← All prompt APIs</a></p>
      <section class="panel" aria-label="About this prompt API">
        <p>{prompt.description}</p>
        <dl class="facts">
          <dt>Version</dt><dd>{prompt.version} <StatusBadge status={prompt.status} /></dd>
          {current?.deprecated_at ? <><dt>Deprecated on</dt><dd>{current.deprecated_at}</dd></> : null}
          {current?.sunset ? <><dt>Sunset</dt><dd>{current.sunset}</dd></> : null}
          {current?.successor !== undefined ? <><dt>Successor</dt><dd><a href={promptPageUrl(prompt.name, current.successor)}>version {current.successor}</a></dd></> : null}
          <dt>Call</dt><dd><code>POST {callPath}</code></dd>
          <dt>Model</dt><dd><code>{prompt.model}</code></dd>
        </dl>
        <SchemaDetails label="Input schema" schema={prompt.input} />
        <SchemaDetails label="Output schema" schema={prompt.output} />
      </section>
      {prompt.allowed
        ? (
          <section class="panel" aria-labelledby="try-title">
            <h2 id="try-title">Try it</h2>
            <form method="post" action={`${promptPageUrl(prompt.name, version)}/try#try-output`} class="try-form">
              <CsrfField token={session.csrfToken} />
              <SchemaFormFields fields={fields} values={props.values} errors={props.errors} />
              <p><button type="submit">Try it</button> <span class="muted">Calls the prompt with your key; the call is metered like any other.</span></p>
            </form>
          </section>
        )
        : <RequestAccess prompt={prompt} session={session} pending={props.pending} />}
      {props.result ? <TryOutput result={props.result} /> : null}
      <section class="panel" aria-labelledby="snippets-title">
        <h2 id="snippets-title">Call it from your code</h2>
        <p class="muted">Set <code>MANIFOLD_API_KEY</code> to your key first.</p>
        {promptSnippets(props.baseUrl, callPath, props.snippetBody).map((s) => (
          <div class="snippet">
            <div class="snippet-head">
              <h3 id={`snippet-${s.id}-title`}>{s.label}</h3>
              <button type="button" class="secondary" data-copy={`snippet-${s.id}`} aria-label={`Copy the ${s.label} snippet`}>Copy</button>
            </div>
            <pre aria-labelledby={`snippet-${s.id}-title`}><code id={`snippet-${s.id}`}>{s.code}</code></pre>
          </div>
        ))}
      </section>
      <section class="panel" aria-labelledby="versions-title">
        <h2 id="versions-title">Versions</h2>
        <VersionsTable prompt={prompt} current={version} />
      </section>
    </Page>
  )
}

function baseUrlOf(c: Context<UiEnv>): string {
  return publicBaseUrl(c.req.url, { proto: c.req.header('x-forwarded-proto'), host: c.req.header('x-forwarded-host') })
}

async function pendingRequest(c: Context<UiEnv>, prompt: PromptDescription): Promise<AccessRequest | undefined> {
  if (prompt.allowed) return undefined
  return (await ownAccessRequests(c)).find((r) => r.prompt === prompt.name && r.status === 'pending')
}

/** GET /ui/prompts/:name[/versions/:version]: the prompt, its form, snippets with an example body, its versions. */
export async function promptPage(c: Context<UiEnv>) {
  const version = c.req.param('version')
  const prompt = await loadPrompt(c, c.req.param('name')!, version)
  const fields = formFields(prompt.input)
  return c.html(
    <PromptView prompt={prompt} version={version} session={c.get('session')} baseUrl={baseUrlOf(c)}
      values={initialValues(fields)} errors={{}} snippetBody={exampleBody(prompt.input)} pending={await pendingRequest(c, prompt)} />,
  )
}

/** POST /ui/prompts/:name[/versions/:version]/try: calls the prompt with the form's values and shows the answer. */
export async function tryPromptPage(c: Context<UiEnv>) {
  const version = c.req.param('version')
  const prompt = await loadPrompt(c, c.req.param('name')!, version)
  const submitted = readSubmittedForm(formFields(prompt.input), await c.req.parseBody())
  const valid = Object.keys(submitted.errors).length === 0
  const result = valid && prompt.allowed ? await tryPrompt(c, apiPath(prompt.name, version), submitted.body) : undefined
  return c.html(
    <PromptView prompt={prompt} version={version} session={c.get('session')} baseUrl={baseUrlOf(c)}
      values={submitted.values} errors={submitted.errors} snippetBody={valid ? submitted.body : exampleBody(prompt.input)}
      result={result} pending={await pendingRequest(c, prompt)} />,
    valid ? 200 : 400,
  )
}

/** POST /ui/prompts/:name/access-requests: asks for access (with the reason given), then shows the key's requests. */
export async function requestAccess(c: Context<UiEnv>) {
  const name = c.req.param('name')!
  const form = await c.req.parseBody()
  const reason = typeof form.reason === 'string' && form.reason.trim() !== '' ? form.reason.trim() : null
  const created = await uiApi(c).post<AccessRequest>(`${apiPath(name)}/access-requests`, { reason })
  return c.redirect(`/ui/access?requested=${encodeURIComponent(created.id)}`, 303)
}
