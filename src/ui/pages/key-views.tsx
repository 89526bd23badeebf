import type { KeySpend } from '../../routes/admin-keys.js'
import type { PublicKey } from '../../security/key-service.js'
import { CsrfField } from '../csrf.js'
import { Field } from '../field.js'
import { dataValue, formatInstant, formatUsd, MISSING } from '../format.js'

/** A key as GET /admin/keys returns it, and with its spend as GET /admin/keys/:id does. */
export type KeyJson = PublicKey
export type KeyWithSpend = KeyJson & { spend?: KeySpend }

export function limitsText(key: KeyJson): string {
  const parts = [
    key.rpm !== null ? `${key.rpm} rpm` : null,
    key.tpm !== null ? `${key.tpm} tpm` : null,
    key.max_parallel !== null ? `${key.max_parallel} parallel` : null,
  ].filter((p): p is string => p !== null)
  return parts.length === 0 ? 'none' : parts.join(' · ')
}

/** Spend in the budget's period as a bar (a <meter>: no inline style, read out by screen readers). */
export function SpendBar({ keyJson }: { keyJson: KeyWithSpend }) {
  const spend = keyJson.spend
  if (!spend) return <span class="muted">{MISSING}</span>
  const label = keyJson.budget_usd === null
    ? `${formatUsd(spend.spent_usd)} spent (${spend.period}), no budget`
    : `${formatUsd(spend.spent_usd)} of ${formatUsd(keyJson.budget_usd)} (${spend.period})`
  return (
    <span class="spend" data-spent={dataValue(spend.spent_usd)} data-budget={dataValue(keyJson.budget_usd)}>
      {keyJson.budget_usd !== null
        ? <meter min={0} max={keyJson.budget_usd || 1} high={(keyJson.budget_usd || 1) * 0.8} value={spend.spent_usd} aria-label={`Spend against budget: ${label}`}></meter>
        : null}
      {' '}<span>{label}</span>
    </span>
  )
}

export function StatusBadge({ keyJson }: { keyJson: KeyJson }) {
  if (keyJson.revoked_at !== null) return <span class="badge error">revoked</span>
  if (keyJson.expires_at !== null && Date.parse(keyJson.expires_at) <= Date.now()) return <span class="badge warn">expired</span>
  return <span class="badge ok">active</span>
}

const PERIODS = ['daily', 'weekly', 'monthly', 'total'] as const

/** The limit fields the create and edit forms share, filled from a key when editing. */
export function LimitFields({ keyJson }: { keyJson?: KeyJson }) {
  const numberValue = (v: number | null | undefined) => (v === null || v === undefined ? '' : String(v))
  return (
    <>
      <Field label="Budget (USD)" id="key-budget"><input id="key-budget" type="number" name="budget_usd" min="0" step="any" inputmode="decimal" value={numberValue(keyJson?.budget_usd)} /></Field>
      <Field label="Budget period" id="key-period">
        <select id="key-period" name="budget_period">
          <option value="" selected={!keyJson?.budget_period}>(none)</option>
          {PERIODS.map((p) => <option value={p} selected={keyJson?.budget_period === p}>{p}</option>)}
        </select>
      </Field>
      <Field label="Requests per minute" id="key-rpm"><input id="key-rpm" type="number" name="rpm" min="1" step="1" value={numberValue(keyJson?.rpm)} /></Field>
      <Field label="Tokens per minute" id="key-tpm"><input id="key-tpm" type="number" name="tpm" min="1" step="1" value={numberValue(keyJson?.tpm)} /></Field>
      <Field label="Parallel calls" id="key-parallel"><input id="key-parallel" type="number" name="max_parallel" min="1" step="1" value={numberValue(keyJson?.max_parallel)} /></Field>
      <Field label="Models (globs, empty: any)" id="key-models"><input id="key-models" type="text" name="models" value={keyJson?.models?.join(', ') ?? ''} /></Field>
      <Field label="Prompt APIs (globs, empty: any)" id="key-prompts"><input id="key-prompts" type="text" name="prompts" value={keyJson?.prompts?.join(', ') ?? ''} /></Field>
    </>
  )
}

/** A secret shown once, right after create or rotate, with a copy button; it is never stored or shown again. */
export function SecretOnce({ secret, title }: { secret: string; title: string }) {
  return (
    <section class="notice ok" aria-labelledby="secret-title">
      <h2 id="secret-title">{title}</h2>
      <p>Copy it now: it is shown only once and cannot be recovered.</p>
      <div class="secret">
        <output id="new-secret" aria-label="New secret key" data-testid="new-secret">{secret}</output>
        <button type="button" class="secondary" data-copy="new-secret">Copy</button>
      </div>
    </section>
  )
}

export function KeyFacts({ keyJson }: { keyJson: KeyWithSpend }) {
  return (
    <dl class="facts">
      <dt>Id</dt><dd class="mono" data-field="id">{keyJson.id}</dd>
      <dt>Prefix</dt><dd class="mono">{keyJson.prefix}</dd>
      <dt>Team</dt><dd>{keyJson.team ?? MISSING}</dd>
      <dt>Role</dt><dd>{keyJson.role}</dd>
      <dt>Status</dt><dd><StatusBadge keyJson={keyJson} /></dd>
      <dt>Limits</dt><dd>{limitsText(keyJson)}</dd>
      <dt>Spend</dt><dd><SpendBar keyJson={keyJson} /></dd>
      <dt>Created</dt><dd>{formatInstant(keyJson.created_at)}</dd>
      <dt>Expires</dt><dd>{formatInstant(keyJson.expires_at)}</dd>
      {keyJson.revoked_at ? <><dt>Revoked</dt><dd>{formatInstant(keyJson.revoked_at)}</dd></> : null}
    </dl>
  )
}

/** A confirmation step before a change that cannot be undone (rotate, revoke): a page, so it needs no script. */
export function ConfirmForm({ action, csrf, question, button }: { action: string; csrf: string; question: string; button: string }) {
  return (
    <form method="post" action={action} class="panel">
      <CsrfField token={csrf} />
      <p>{question}</p>
      <div class="actions">
        <button type="submit" class="danger">{button}</button>
        <a class="button secondary" href={action.replace(/\/(rotate|revoke)$/, '')}>Cancel</a>
      </div>
    </form>
  )
}
