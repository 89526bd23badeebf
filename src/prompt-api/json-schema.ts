/**
 * The JSON Schema subset prompt files use, checked and applied without code generation. ajv compiles
 * schemas with `new Function`, which Workers forbid; this interpreter runs on both runtimes and reads
 * only own properties (Object.hasOwn), so a value's `__proto__` or `constructor` key is plain data.
 *
 * Supported keywords: type (one name or a list), properties, required, additionalProperties (boolean),
 * items, enum, const, default, minLength, maxLength, minimum, maximum, minItems, maxItems, and the
 * annotations title, description, examples. Anything else is refused when the file loads, so a schema
 * never silently means less than its author wrote.
 */

export type JsonTypeName = 'string' | 'number' | 'integer' | 'boolean' | 'object' | 'array' | 'null'

export interface JsonSchema {
  type?: JsonTypeName | JsonTypeName[]
  properties?: Record<string, JsonSchema>
  required?: string[]
  additionalProperties?: boolean
  items?: JsonSchema
  enum?: unknown[]
  const?: unknown
  default?: unknown
  minLength?: number
  maxLength?: number
  minimum?: number
  maximum?: number
  minItems?: number
  maxItems?: number
  title?: string
  description?: string
  examples?: unknown[]
}

/** One invalid field: a dotted path (`contact.emails[0]`) and what is wrong with it. */
export interface SchemaProblem {
  field: string
  message: string
}

const TYPE_NAMES: readonly string[] = ['string', 'number', 'integer', 'boolean', 'object', 'array', 'null']
const COUNT_KEYWORDS = ['minLength', 'maxLength', 'minItems', 'maxItems'] as const
const BOUND_KEYWORDS = ['minimum', 'maximum'] as const
const KNOWN_KEYWORDS = new Set([
  'type', 'properties', 'required', 'additionalProperties', 'items', 'enum', 'const', 'default',
  ...COUNT_KEYWORDS, ...BOUND_KEYWORDS, 'title', 'description', 'examples',
])

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function own(record: Record<string, unknown>, key: string): unknown {
  return Object.hasOwn(record, key) ? record[key] : undefined
}

function join(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`
  return path ? `${path}.${key}` : key
}

/**
 * The problems with a schema itself (empty when it is usable), each naming where in the schema it is,
 * e.g. `properties.text.maxLength: must be a whole number ≥ 0`.
 */
export function schemaProblems(schema: unknown, at = ''): string[] {
  const here = (key: string) => join(at, key)
  if (!isPlainObject(schema)) return [`${at || '(schema)'}: must be an object`]
  const problems: string[] = []
  for (const key of Object.keys(schema)) {
    if (!KNOWN_KEYWORDS.has(key)) problems.push(`${here(key)}: unsupported keyword (supported: ${[...KNOWN_KEYWORDS].join(', ')})`)
  }
  const type = own(schema, 'type')
  if (type !== undefined) {
    const names = Array.isArray(type) ? type : [type]
    if (names.length === 0 || names.some((n) => typeof n !== 'string' || !TYPE_NAMES.includes(n))) {
      problems.push(`${here('type')}: must be one of ${TYPE_NAMES.join(', ')} (or a list of them)`)
    }
  }
  const properties = own(schema, 'properties')
  if (properties !== undefined) {
    if (!isPlainObject(properties)) problems.push(`${here('properties')}: must be an object`)
    else for (const [name, sub] of Object.entries(properties)) problems.push(...schemaProblems(sub, join(here('properties'), name)))
  }
  const required = own(schema, 'required')
  if (required !== undefined) {
    if (!Array.isArray(required) || required.some((r) => typeof r !== 'string')) {
      problems.push(`${here('required')}: must be a list of property names`)
    } else if (isPlainObject(properties)) {
      for (const name of required as string[]) if (!Object.hasOwn(properties, name)) problems.push(`${here('required')}: "${name}" is not in properties`)
    }
  }
  const additional = own(schema, 'additionalProperties')
  if (additional !== undefined && typeof additional !== 'boolean') problems.push(`${here('additionalProperties')}: must be true or false`)
  const items = own(schema, 'items')
  if (items !== undefined) problems.push(...schemaProblems(items, here('items')))
  const enumValues = own(schema, 'enum')
  if (enumValues !== undefined && (!Array.isArray(enumValues) || enumValues.length === 0)) problems.push(`${here('enum')}: must be a non-empty list`)
  for (const key of COUNT_KEYWORDS) {
    const n = own(schema, key)
    if (n !== undefined && (typeof n !== 'number' || !Number.isInteger(n) || n < 0)) problems.push(`${here(key)}: must be a whole number ≥ 0`)
  }
  for (const key of BOUND_KEYWORDS) {
    const n = own(schema, key)
    if (n !== undefined && (typeof n !== 'number' || !Number.isFinite(n))) problems.push(`${here(key)}: must be a number`)
  }
  for (const key of ['title', 'description'] as const) {
    const text = own(schema, key)
    if (text !== undefined && typeof text !== 'string') problems.push(`${here(key)}: must be text`)
  }
  if (problems.length === 0 && Object.hasOwn(schema, 'default')) {
    for (const p of validateValue(schema as JsonSchema, schema.default)) problems.push(`${here('default')}: ${p.field ? `${p.field}: ` : ''}${p.message}`)
  }
  return problems
}

function typeOf(value: unknown): JsonTypeName | 'other' {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'array'
  if (typeof value === 'number') return Number.isFinite(value) ? (Number.isInteger(value) ? 'integer' : 'number') : 'other'
  if (typeof value === 'string' || typeof value === 'boolean' || typeof value === 'object') return typeof value as JsonTypeName
  return 'other'
}

function matchesType(value: unknown, names: JsonTypeName[]): boolean {
  const actual = typeOf(value)
  return names.some((n) => n === actual || (n === 'number' && actual === 'integer'))
}

/** Structural equality of JSON values (for enum and const). */
function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v, i) => jsonEqual(v, b[i]))
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = Object.keys(a)
    return keys.length === Object.keys(b).length && keys.every((k) => Object.hasOwn(b, k) && jsonEqual(a[k], b[k]))
  }
  return false
}

function describe(value: unknown): string {
  const text = JSON.stringify(value)
  return text.length > 40 ? `${text.slice(0, 37)}…` : text
}

/** Every problem of `value` against `schema` (empty when it conforms). The schema must have passed schemaProblems. */
export function validateValue(schema: JsonSchema, value: unknown, path = ''): SchemaProblem[] {
  const problems: SchemaProblem[] = []
  const fail = (message: string) => problems.push({ field: path, message })
  if (schema.type !== undefined) {
    const names = Array.isArray(schema.type) ? schema.type : [schema.type]
    if (!matchesType(value, names)) {
      fail(`must be ${names.map((n) => (n === 'integer' ? 'an integer' : n === 'array' || n === 'object' ? `an ${n}` : `a ${n}`)).join(' or ')}`)
      return problems
    }
  }
  if (schema.enum !== undefined && !schema.enum.some((e) => jsonEqual(e, value))) fail(`must be one of ${schema.enum.map(describe).join(', ')}`)
  if (Object.hasOwn(schema, 'const') && !jsonEqual(schema.const, value)) fail(`must be ${describe(schema.const)}`)
  if (typeof value === 'string') {
    // Code points, as JSON Schema counts them (an emoji is one character).
    const length = schema.minLength !== undefined || schema.maxLength !== undefined ? [...value].length : 0
    if (schema.maxLength !== undefined && length > schema.maxLength) fail(`must be at most ${schema.maxLength} characters (got ${length})`)
    if (schema.minLength !== undefined && length < schema.minLength) fail(`must be at least ${schema.minLength} characters`)
  }
  if (typeof value === 'number') {
    if (schema.minimum !== undefined && value < schema.minimum) fail(`must be ≥ ${schema.minimum}`)
    if (schema.maximum !== undefined && value > schema.maximum) fail(`must be ≤ ${schema.maximum}`)
  }
  if (Array.isArray(value)) {
    if (schema.minItems !== undefined && value.length < schema.minItems) fail(`must have at least ${schema.minItems} items`)
    if (schema.maxItems !== undefined && value.length > schema.maxItems) fail(`must have at most ${schema.maxItems} items`)
    if (schema.items) value.forEach((item, i) => problems.push(...validateValue(schema.items!, item, join(path, i))))
  }
  if (isPlainObject(value)) {
    const properties = schema.properties ?? {}
    for (const name of schema.required ?? []) {
      if (!Object.hasOwn(value, name)) problems.push({ field: join(path, name), message: 'is required' })
    }
    for (const [name, item] of Object.entries(value)) {
      if (Object.hasOwn(properties, name)) problems.push(...validateValue(properties[name]!, item, join(path, name)))
      else if (schema.additionalProperties === false) problems.push({ field: join(path, name), message: 'is not a declared field' })
    }
  }
  return problems
}

/**
 * A copy of an object value with each missing property's `default` filled in (at every depth). Copies
 * are built with defineProperty, so a key named `__proto__` stays an ordinary own property.
 */
export function withDefaults(schema: JsonSchema, value: unknown): unknown {
  if (Array.isArray(value)) return schema.items ? value.map((v) => withDefaults(schema.items!, v)) : value
  if (!isPlainObject(value)) return value
  const out: Record<string, unknown> = {}
  const set = (key: string, v: unknown) => Object.defineProperty(out, key, { value: v, enumerable: true, writable: true, configurable: true })
  const properties = schema.properties ?? {}
  for (const [key, v] of Object.entries(value)) set(key, Object.hasOwn(properties, key) ? withDefaults(properties[key]!, v) : v)
  for (const [key, sub] of Object.entries(properties)) {
    if (!Object.hasOwn(out, key) && Object.hasOwn(sub, 'default')) set(key, structuredClone(sub.default))
  }
  return out
}
