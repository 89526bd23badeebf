import type { FormField } from './schema-fields.js'

/** What the "Try it" form sent: the raw text per field (to show it again) and the JSON body built from it. */
export interface SubmittedForm {
  values: Record<string, string>
  body: Record<string, unknown>
  /** Field key → why its text could not become a value (only JSON fields can fail here; the API checks the rest). */
  errors: Record<string, string>
}

type FormData = Record<string, string | File | (string | File)[]>

function textOf(form: FormData, key: string): string | undefined {
  const value = form[key]
  return typeof value === 'string' ? value : undefined
}

/** A number field's value; text that is not a number goes to the API as it is, so its error says what is wrong. */
function numberOf(text: string): unknown {
  const value = Number(text)
  return text.trim() !== '' && Number.isFinite(value) ? value : text
}

/**
 * Turns the posted form into the prompt's JSON body, field by field as the schema says. An empty optional
 * field is left out (its default applies); a checkbox is always sent, true or false.
 */
export function readSubmittedForm(fields: readonly FormField[], form: FormData): SubmittedForm {
  const values: Record<string, string> = {}
  const body: Record<string, unknown> = {}
  const errors: Record<string, string> = {}
  for (const field of fields) {
    if (field.kind === 'boolean') {
      const checked = textOf(form, field.key) !== undefined
      values[field.key] = checked ? 'true' : ''
      body[field.name] = checked
      continue
    }
    const text = textOf(form, field.key) ?? ''
    values[field.key] = text
    if (text === '' && !field.required) continue
    switch (field.kind) {
      case 'number':
      case 'integer':
        body[field.name] = numberOf(text)
        break
      case 'enum':
      case 'json':
        try {
          body[field.name] = JSON.parse(text) as unknown
        } catch {
          errors[field.key] = field.kind === 'json' ? 'This is not valid JSON.' : 'Choose one of the listed values.'
        }
        break
      default:
        body[field.name] = text
    }
  }
  return { values, body, errors }
}

/** The text a field shows before anything was posted: the schema's default, if any. */
export function initialValues(fields: readonly FormField[]): Record<string, string> {
  const values: Record<string, string> = {}
  for (const field of fields) {
    const fallback = field.schema.default
    if (fallback === undefined) values[field.key] = ''
    else if (field.kind === 'boolean') values[field.key] = fallback === true ? 'true' : ''
    else if (field.kind === 'enum') values[field.key] = JSON.stringify(fallback)
    else if (field.kind === 'json') values[field.key] = JSON.stringify(fallback, null, 2)
    else values[field.key] = String(fallback)
  }
  return values
}
