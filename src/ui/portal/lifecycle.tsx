import type { PromptStatus } from '../../prompt-api/prompt-file.js'
import type { AccessRequestStatus, PromptDescription, PromptVersionInfo } from './api-types.js'

const STATUS_TONE: Record<PromptStatus | AccessRequestStatus, string> = {
  published: 'ok', approved: 'ok', deprecated: 'warn', pending: 'warn', retired: 'error', refused: 'error', draft: '',
}

export function StatusBadge({ status }: { status: PromptStatus | AccessRequestStatus }) {
  return <span class={`badge ${STATUS_TONE[status]}`.trim()} data-status={status}>{status}</span>
}

/** The URL of a prompt's portal page, or of one of its versions. */
export function promptPageUrl(name: string, version?: string): string {
  const base = `/ui/prompts/${encodeURIComponent(name)}`
  return version === undefined ? base : `${base}/versions/${encodeURIComponent(version)}`
}

/** The dates a version's lifecycle carries, in words: deprecated on, goes away on, replaced by. */
export function lifecycleText(v: PromptVersionInfo): string {
  const parts: string[] = []
  if (v.deprecated_at) parts.push(`deprecated on ${v.deprecated_at}`)
  if (v.sunset) parts.push(`${v.status === 'retired' ? 'retired after' : 'sunset'} ${v.sunset}`)
  if (v.successor !== undefined) parts.push(`succeeded by version ${v.successor}`)
  return parts.join(' · ')
}

/** Every version of a prompt with its status and lifecycle dates, each linked to its page. */
export function VersionsTable({ prompt, current }: { prompt: PromptDescription; current?: string }) {
  return (
    <div class="table-wrap">
      <table>
        <caption class="visually-hidden">{`Versions of ${prompt.name}`}</caption>
        <thead><tr><th scope="col">Version</th><th scope="col">Status</th><th scope="col">Lifecycle</th><th scope="col">Path</th></tr></thead>
        <tbody>
          {prompt.versions.map((v) => (
            <tr data-version={v.version}>
              <td>
                {v.status === 'retired'
                  ? v.version
                  : <a href={promptPageUrl(prompt.name, v.version)} aria-current={v.version === current ? 'page' : undefined}>{v.version}</a>}
              </td>
              <td><StatusBadge status={v.status} /></td>
              <td>{lifecycleText(v) || <span class="muted">—</span>}</td>
              <td><code>{v.path}</code></td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}

/** A JSON Schema, readable: folded away until asked for. */
export function SchemaDetails({ label, schema }: { label: string; schema: unknown }) {
  return (
    <details class="schema">
      <summary>{label}</summary>
      <pre><code>{schema === null ? 'Free text (no output schema).' : JSON.stringify(schema, null, 2)}</code></pre>
    </details>
  )
}
