import { Hono, type Context } from 'hono'
import { uiApi } from '../api-client.js'
import { dataValue, formatCount, formatInstant, formatMs, formatUsd, MISSING } from '../format.js'
import { Field } from '../field.js'
import { Page } from '../layout.js'
import type { UiEnv } from '../ui-env.js'
import { requestDetail, type AttemptJson, type RequestLogJson } from './request-detail-data.js'

/** The log's filters, passed to GET /admin/requests as they are (the API validates them). */
const FILTERS = [
  { name: 'key', label: 'Key id' },
  { name: 'team', label: 'Team' },
  { name: 'model', label: 'Model' },
  { name: 'route', label: 'Route' },
  { name: 'status', label: 'Status or outcome' },
  { name: 'from', label: 'From (ISO time or age: 24h)' },
  { name: 'to', label: 'To' },
] as const

const PAGE_SIZE = 50

interface KeyOption { id: string; name: string; prefix: string }
const MAX_PAGE_SIZE = 200

function OutcomeBadge({ outcome, status }: { outcome: string; status: number }) {
  const tone = outcome === 'success' ? 'ok' : outcome === 'aborted' ? 'warn' : 'error'
  return <span class={`badge ${tone}`}>{`${status} ${outcome}`}</span>
}

function FilterForm({ values, keys }: { values: Record<string, string>; keys: KeyOption[] }) {
  return (
    <form method="get" action="/ui/requests" class="panel form-grid" aria-label="Filter the request log">
      {FILTERS.map((f) => (
        <Field label={f.label} id={`filter-${f.name}`}>
          <input id={`filter-${f.name}`} type="text" name={f.name} value={values[f.name] ?? ''} list={f.name === 'key' ? 'key-options' : undefined} />
        </Field>
      ))}
      <datalist id="key-options">{keys.map((k) => <option value={k.id}>{`${k.name} (${k.prefix})`}</option>)}</datalist>
      <div class="actions"><button type="submit">Filter</button><a class="button secondary" href="/ui/requests">Clear</a></div>
    </form>
  )
}

function AttemptRow({ attempt, linkRequest }: { attempt: AttemptJson; linkRequest: boolean }) {
  return (
    <tr data-request-id={attempt.request_id}>
      <td>{formatInstant(attempt.created_at)}</td>
      <td class="mono">{linkRequest ? <a href={`/ui/requests/${encodeURIComponent(attempt.request_id)}`}>{attempt.request_id}</a> : attempt.attempt}</td>
      {linkRequest ? <td class="mono hide-narrow">{attempt.key_id ?? 'admin'}</td> : null}
      <td>{`${attempt.provider ?? MISSING} / ${attempt.model ?? MISSING}`}</td>
      <td><OutcomeBadge outcome={attempt.outcome} status={attempt.status} /></td>
      <td class="num">{`${formatCount(attempt.input_tokens)} / ${formatCount(attempt.output_tokens)}`}</td>
      <td class="num" data-value={dataValue(attempt.cost_usd)}>{formatUsd(attempt.cost_usd)}</td>
      <td class="num">{formatMs(attempt.latency_ms)}</td>
      <td class="num hide-narrow">{formatMs(attempt.ttft_ms)}</td>
      {linkRequest ? null : <td>{attempt.error_type ?? MISSING}</td>}
    </tr>
  )
}

async function requestLogPage(c: Context<UiEnv>) {
  const values: Record<string, string> = {}
  for (const f of FILTERS) {
    const value = c.req.query(f.name)?.trim()
    if (value) values[f.name] = value
  }
  const limitParam = Number(c.req.query('limit'))
  if (Number.isInteger(limitParam) && limitParam >= 1 && limitParam <= MAX_PAGE_SIZE) values.limit = String(limitParam)
  const cursor = c.req.query('cursor')
  const query = new URLSearchParams({ limit: String(PAGE_SIZE), ...values, ...(cursor ? { cursor } : {}) })
  const [log, keys] = await Promise.all([
    uiApi(c).get<RequestLogJson>(`/admin/requests?${query}`),
    uiApi(c).get<{ data: KeyOption[] }>('/admin/keys'),
  ])
  const next = log.has_more && log.next_cursor ? `/ui/requests?${new URLSearchParams({ ...values, cursor: log.next_cursor })}` : null
  return c.html(
    <Page title="Requests" active="requests" session={c.get('session')}>
      <FilterForm values={values} keys={keys.data} />
      <section class="panel" aria-label="Request log">
        <div class="table-wrap">
          <table data-testid="request-log">
            <thead><tr>
              <th scope="col">Time</th><th scope="col">Request</th><th scope="col" class="hide-narrow">Key</th><th scope="col">Target</th>
              <th scope="col">Status</th><th scope="col" class="num">Tokens in / out</th><th scope="col" class="num">Cost</th>
              <th scope="col" class="num">Latency</th><th scope="col" class="num hide-narrow">TTFT</th>
            </tr></thead>
            <tbody>
              {log.data.length === 0
                ? <tr><td colspan={9} class="muted">No requests match.</td></tr>
                : log.data.map((a) => <AttemptRow attempt={a} linkRequest={true} />)}
            </tbody>
          </table>
        </div>
        <nav class="pager" aria-label="Pages">
          {cursor ? <a class="button secondary" href={`/ui/requests?${new URLSearchParams(values)}`}>Newest</a> : null}
          {next ? <a class="button secondary" href={next} rel="next">Older</a> : null}
        </nav>
      </section>
    </Page>,
  )
}

function Body({ title, value }: { title: string; value: unknown }) {
  return <section><h3>{title}</h3><pre>{JSON.stringify(value, null, 2)}</pre></section>
}

async function requestDetailPage(c: Context<UiEnv>) {
  const detail = await requestDetail(uiApi(c), c.req.param('id') ?? '')
  const t = detail.totals
  return c.html(
    <Page title={`Request ${detail.request_id}`} active="requests" session={c.get('session')}>
      <section class="panel">
        <dl class="facts" data-testid="request-facts">
          <dt>Time</dt><dd>{formatInstant(detail.created_at)}</dd>
          <dt>Status</dt><dd><OutcomeBadge outcome={detail.outcome} status={detail.status} /></dd>
          <dt>Key</dt><dd class="mono">{detail.key_id ? <a href={`/ui/keys/${encodeURIComponent(detail.key_id)}`}>{detail.key_id}</a> : 'admin key'}</dd>
          <dt>Team</dt><dd>{detail.team ?? MISSING}</dd>
          <dt>Model</dt><dd>{detail.model ?? MISSING}</dd>
          <dt>Route</dt><dd>{detail.route ?? MISSING}</dd>
          <dt>Strategy</dt><dd>{detail.strategy ?? MISSING}</dd>
          <dt>Prompt API</dt><dd>{detail.prompt ?? MISSING}</dd>
          <dt>Tokens</dt><dd data-field="tokens">{`${formatCount(t.input_tokens)} in (${formatCount(t.cached_tokens)} cached) / ${formatCount(t.output_tokens)} out`}</dd>
          <dt>Cost</dt><dd data-field="cost_usd" data-value={dataValue(t.cost_usd)}>{formatUsd(t.cost_usd)}</dd>
          <dt>Latency</dt><dd data-field="latency_ms">{formatMs(t.latency_ms)}</dd>
          <dt>Time to first token</dt><dd data-field="ttft_ms">{formatMs(t.ttft_ms)}</dd>
        </dl>
      </section>
      <section class="panel" aria-labelledby="attempts-title">
        <h2 id="attempts-title">Targets tried</h2>
        <div class="table-wrap">
          <table data-testid="attempts">
            <thead><tr>
              <th scope="col">Time</th><th scope="col">Attempt</th><th scope="col">Target</th><th scope="col">Status</th>
              <th scope="col" class="num">Tokens in / out</th><th scope="col" class="num">Cost</th><th scope="col" class="num">Latency</th>
              <th scope="col" class="num hide-narrow">TTFT</th><th scope="col">Error</th>
            </tr></thead>
            <tbody>{detail.attempts.map((a) => <AttemptRow attempt={a} linkRequest={false} />)}</tbody>
          </table>
        </div>
      </section>
      <section class="panel" aria-labelledby="bodies-title">
        <h2 id="bodies-title">Bodies</h2>
        {detail.bodies
          ? <><Body title="Request" value={detail.bodies.request} /><Body title="Response" value={detail.bodies.response} /></>
          : <p class="muted">Not stored: this deployment does not keep request bodies (request_bodies.store), or they are past retention.</p>}
      </section>
      <p><a href="/ui/requests">Back to the log</a></p>
    </Page>,
  )
}

/** /ui/requests: the request log with filters and paging, and one call's detail; both through /admin/requests. */
export function requestRoutes(): Hono<UiEnv> {
  const app = new Hono<UiEnv>()
  app.get('/ui/requests', requestLogPage)
  app.get('/ui/requests/:id', requestDetailPage)
  return app
}
