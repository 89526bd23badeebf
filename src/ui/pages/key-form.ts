/** Dashboard key forms → the JSON /admin/keys takes. The API validates; this only reshapes what was typed. */

export type FormValues = Record<string, string | File | (string | File)[]>

const text = (form: FormValues, name: string): string => {
  const value = form[name]
  return typeof value === 'string' ? value.trim() : ''
}

/** A number field: empty is null (no limit); anything else goes to the API as typed, which names a bad value. */
function numberOrNull(form: FormValues, name: string): number | string | null {
  const value = text(form, name)
  if (value === '') return null
  const parsed = Number(value)
  return Number.isFinite(parsed) ? parsed : value
}

/** `gpt-*, openai/*` or one a line → a glob list; empty is null (any). */
function globList(form: FormValues, name: string): string[] | null {
  const items = text(form, name).split(/[\s,]+/).filter(Boolean)
  return items.length === 0 ? null : items
}

/** The limits both forms edit, every one sent so that clearing a field removes the limit. */
function limits(form: FormValues): Record<string, unknown> {
  return {
    budget_usd: numberOrNull(form, 'budget_usd'),
    budget_period: text(form, 'budget_period') || null,
    rpm: numberOrNull(form, 'rpm'),
    tpm: numberOrNull(form, 'tpm'),
    max_parallel: numberOrNull(form, 'max_parallel'),
    models: globList(form, 'models'),
    prompts: globList(form, 'prompts'),
  }
}

/** POST /admin/keys: name, team and role only when given (a team admin's keys are always its team's members). */
export function createKeyBody(form: FormValues, canChooseTeam: boolean): Record<string, unknown> {
  const body: Record<string, unknown> = { name: text(form, 'name'), ...limits(form) }
  if (canChooseTeam && text(form, 'team') !== '') body.team = text(form, 'team')
  if (canChooseTeam && text(form, 'role') === 'team_admin') body.role = 'team_admin'
  return body
}

/** PATCH /admin/keys/:id: the name and every limit. */
export function updateKeyBody(form: FormValues): Record<string, unknown> {
  return { name: text(form, 'name'), ...limits(form) }
}
