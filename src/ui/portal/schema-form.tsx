import type { FormField } from './schema-fields.js'

const count = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`

/** The constraints a person should know before typing, in words (the API enforces them). */
function constraintHint(field: FormField): string | null {
  const s = field.schema
  const parts: string[] = []
  if (s.minLength !== undefined) parts.push(`at least ${count(s.minLength, 'character')}`)
  if (s.maxLength !== undefined) parts.push(`at most ${count(s.maxLength, 'character')}`)
  if (s.minimum !== undefined) parts.push(`from ${s.minimum}`)
  if (s.maximum !== undefined) parts.push(`up to ${s.maximum}`)
  if (s.minItems !== undefined) parts.push(`at least ${count(s.minItems, 'item')}`)
  if (s.maxItems !== undefined) parts.push(`at most ${count(s.maxItems, 'item')}`)
  if (field.kind === 'json') parts.push(`JSON (${describeType(field)})`)
  if (s.default !== undefined) parts.push(`default ${JSON.stringify(s.default)}`)
  return parts.length ? parts.join(', ') : null
}

function describeType(field: FormField): string {
  const type = field.schema.type
  if (type === undefined) return 'any value'
  return Array.isArray(type) ? type.join(' or ') : type
}

interface ControlProps { field: FormField; value: string; describedBy: string | undefined; invalid: boolean }

function Control({ field, value, describedBy, invalid }: ControlProps) {
  const common = { id: field.key, name: field.key, 'aria-describedby': describedBy, 'aria-invalid': invalid ? 'true' : undefined }
  const s = field.schema
  switch (field.kind) {
    case 'boolean':
      return <input {...common} type="checkbox" value="true" checked={value === 'true'} />
    case 'enum':
      return (
        <select {...common} required={field.required}>
          {field.required ? null : <option value="" selected={value === ''}>(not set)</option>}
          {(s.enum ?? []).map((choice) => {
            const encoded = JSON.stringify(choice)
            return <option value={encoded} selected={encoded === value}>{typeof choice === 'string' ? choice : encoded}</option>
          })}
        </select>
      )
    case 'number':
    case 'integer':
      return <input {...common} type="number" inputmode={field.kind === 'integer' ? 'numeric' : 'decimal'} step={field.kind === 'integer' ? '1' : 'any'}
        min={s.minimum} max={s.maximum} required={field.required} value={value} />
    case 'text':
      return <input {...common} type="text" required={field.required} minlength={s.minLength} maxlength={s.maxLength} value={value} spellcheck={false} />
    case 'long-text':
      return <textarea {...common} rows={5} required={field.required} minlength={s.minLength} maxlength={s.maxLength}>{value}</textarea>
    case 'json':
      return <textarea {...common} class="mono" rows={4} required={field.required} spellcheck={false}>{value}</textarea>
  }
}

export interface SchemaFormFieldsProps {
  fields: readonly FormField[]
  values: Record<string, string>
  errors: Record<string, string>
}

/** The form's controls, one per input variable: a label tied to its control, a required mark, the description and constraints as hints. */
export function SchemaFormFields({ fields, values, errors }: SchemaFormFieldsProps) {
  if (fields.length === 0) return <p class="muted">This prompt takes no variables.</p>
  return (
    <div class="schema-fields">
      {fields.map((field) => {
        const hint = [field.schema.description, constraintHint(field)].filter(Boolean).join(' · ')
        const error = errors[field.key]
        const describedBy = [hint ? `${field.key}-hint` : '', error ? `${field.key}-error` : ''].filter(Boolean).join(' ') || undefined
        return (
          <div class={`schema-field${field.kind === 'boolean' ? ' checkbox' : ''}`}>
            <label for={field.key}>
              <span class="field-name">{field.name}</span>
              {field.required ? <span class="required" aria-hidden="true"> *</span> : null}
              {field.required ? <span class="visually-hidden"> (required)</span> : null}
            </label>
            <Control field={field} value={values[field.key] ?? ''} describedBy={describedBy} invalid={error !== undefined} />
            {hint ? <p class="hint" id={`${field.key}-hint`}>{hint}</p> : null}
            {error ? <p class="field-error" id={`${field.key}-error`} role="alert">{error}</p> : null}
          </div>
        )
      })}
    </div>
  )
}
