import type { JsonSchema, JsonTypeName } from '../../prompt-api/json-schema.js'

/** How a variable is edited: a text box, a number, a checkbox, a select, or JSON for arrays, objects and mixed types. */
export type FieldKind = 'text' | 'long-text' | 'number' | 'integer' | 'boolean' | 'enum' | 'json'

/** One input of the "Try it" form, derived from a property of the prompt's input schema. */
export interface FormField {
  name: string
  /** The form control's name and id stem: `field-<n>` (property names may hold any character). */
  key: string
  kind: FieldKind
  required: boolean
  schema: JsonSchema
  /** The types the value may take besides null (a `[string, "null"]` property is a nullable string). */
  nullable: boolean
}

/** Strings longer than this get a multi-line box. */
const SHORT_TEXT = 200

function nonNullTypes(schema: JsonSchema): JsonTypeName[] {
  const types = schema.type === undefined ? [] : Array.isArray(schema.type) ? schema.type : [schema.type]
  return types.filter((t) => t !== 'null')
}

function kindOf(schema: JsonSchema): FieldKind {
  if (schema.enum !== undefined) return 'enum'
  const types = nonNullTypes(schema)
  if (types.length !== 1) return 'json'
  switch (types[0]) {
    case 'string': return schema.maxLength !== undefined && schema.maxLength <= SHORT_TEXT ? 'text' : 'long-text'
    case 'number': return 'number'
    case 'integer': return 'integer'
    case 'boolean': return 'boolean'
    default: return 'json'
  }
}

/** The form's fields, in the schema's property order. */
export function formFields(input: JsonSchema): FormField[] {
  const required = new Set(input.required ?? [])
  return Object.entries(input.properties ?? {}).map(([name, schema], index) => ({
    name,
    key: `field-${index}`,
    kind: kindOf(schema),
    required: required.has(name),
    schema,
    nullable: Array.isArray(schema.type) && schema.type.includes('null'),
  }))
}

/** A value that passes the property's schema, for example bodies: its default, example, const or first choice. */
export function exampleValue(name: string, schema: JsonSchema): unknown {
  if (schema.default !== undefined) return schema.default
  if (schema.examples?.length) return schema.examples[0]
  if (schema.const !== undefined) return schema.const
  if (schema.enum?.length) return schema.enum[0]
  const type = nonNullTypes(schema)[0]
  switch (type) {
    case 'string': return `your ${name.replace(/_/g, ' ')}`.slice(0, schema.maxLength ?? Infinity)
    case 'number':
    case 'integer': return schema.minimum ?? 1
    case 'boolean': return false
    case 'array': return []
    case 'object': return exampleBody(schema)
    default: return null
  }
}

/** A request body for the prompt: its required variables, and the optional ones that have a default. */
export function exampleBody(input: JsonSchema): Record<string, unknown> {
  const required = new Set(input.required ?? [])
  const body: Record<string, unknown> = {}
  for (const [name, schema] of Object.entries(input.properties ?? {})) {
    if (required.has(name) || schema.default !== undefined) body[name] = exampleValue(name, schema)
  }
  return body
}
