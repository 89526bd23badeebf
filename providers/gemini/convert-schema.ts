import { Type, type Schema } from '@google/genai'

/**
 * JSON Schema (as OpenAI clients send it for tools and response_format) → Gemini's Schema, an OpenAPI 3.0
 * subset. Gemini answers 400 to keywords it does not know (`additionalProperties`, `$schema`, `$ref`,
 * `const`, numeric enums, type arrays …), so this converts what has a Gemini form, folds what has none into
 * the description where it carries meaning for the model, and never throws: a client's schema is never the
 * reason a call fails here.
 */

type JsonSchema = Record<string, unknown>

/** Beyond this depth a recursive `$ref` stops being inlined (Gemini has no references). */
const MAX_DEPTH = 12

/** Gemini honours these formats; any other is moved into the description. */
const FORMATS_BY_TYPE: Partial<Record<Type, readonly string[]>> = {
  [Type.STRING]: ['enum', 'date-time'],
  [Type.NUMBER]: ['float', 'double'],
  [Type.INTEGER]: ['int32', 'int64'],
}

const TYPES: Record<string, Type> = {
  string: Type.STRING,
  number: Type.NUMBER,
  integer: Type.INTEGER,
  boolean: Type.BOOLEAN,
  array: Type.ARRAY,
  object: Type.OBJECT,
}

/** Keywords copied unchanged when present with the right JSON type. */
const NUMBER_KEYWORDS = ['minimum', 'maximum'] as const
const COUNT_KEYWORDS = ['minItems', 'maxItems', 'minLength', 'maxLength', 'minProperties', 'maxProperties'] as const

function isObject(value: unknown): value is JsonSchema {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

interface Context {
  /** `$defs` / `definitions` of the root document, for `#/$defs/X` references. */
  root: JsonSchema
  depth: number
}

/** Resolves a local JSON pointer (`#/$defs/Name`, `#/definitions/Name`, `#`); undefined when it cannot. */
function resolveRef(ref: string, root: JsonSchema): JsonSchema | undefined {
  if (ref === '#') return root
  if (!ref.startsWith('#/')) return undefined
  let node: unknown = root
  for (const raw of ref.slice(2).split('/')) {
    const key = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~')
    if (!isObject(node)) return undefined
    node = node[key]
  }
  return isObject(node) ? node : undefined
}

function appendDescription(out: Schema, note: string): void {
  out.description = out.description ? `${out.description} (${note})` : note
}

function describeValues(values: unknown[]): string {
  return values.map((v) => JSON.stringify(v)).join(', ')
}

/** Merges `allOf` members into one schema: properties and required lists are unioned, the rest first-wins. */
function mergeAllOf(schema: JsonSchema, ctx: Context): JsonSchema {
  const { allOf, ...rest } = schema
  if (!Array.isArray(allOf)) return rest
  const merged: JsonSchema = { ...rest }
  const properties: JsonSchema = isObject(rest.properties) ? { ...rest.properties } : {}
  const required = new Set<string>(Array.isArray(rest.required) ? rest.required.filter((r): r is string => typeof r === 'string') : [])
  for (const member of allOf) {
    if (!isObject(member)) continue
    const resolved = typeof member.$ref === 'string' ? resolveRef(member.$ref, ctx.root) ?? {} : member
    const flat = mergeAllOf(resolved, ctx)
    if (isObject(flat.properties)) Object.assign(properties, flat.properties)
    if (Array.isArray(flat.required)) for (const r of flat.required) if (typeof r === 'string') required.add(r)
    for (const [key, value] of Object.entries(flat)) {
      if (key !== 'properties' && key !== 'required' && !(key in merged)) merged[key] = value
    }
  }
  if (Object.keys(properties).length > 0) merged.properties = properties
  if (required.size > 0) merged.required = [...required]
  return merged
}

function convertNode(input: unknown, ctx: Context): Schema {
  if (ctx.depth > MAX_DEPTH) return { type: Type.OBJECT, description: 'nested structure (recursion limit reached)' }
  const next: Context = { root: ctx.root, depth: ctx.depth + 1 }

  // `true` accepts anything, like `{}`: it ends up as the fallback type below.
  let schema: JsonSchema = isObject(input) ? input : {}
  if (typeof schema.$ref === 'string') {
    const target = resolveRef(schema.$ref, ctx.root)
    // Sibling keywords of $ref (description, mostly) win over the target's.
    const { $ref: _ref, ...siblings } = schema
    schema = target ? { ...target, ...siblings } : siblings
    if (typeof schema.$ref === 'string') return convertNode(schema, next)
  }
  if (Array.isArray(schema.allOf)) schema = mergeAllOf(schema, ctx)

  const out: Schema = {}
  if (typeof schema.title === 'string') out.title = schema.title
  if (typeof schema.description === 'string') out.description = schema.description

  // anyOf / oneOf: a `null` member becomes `nullable`; one member left collapses into this schema.
  const union = Array.isArray(schema.anyOf) ? schema.anyOf : Array.isArray(schema.oneOf) ? schema.oneOf : undefined
  if (union) {
    const members = union.filter((m) => !(isObject(m) && m.type === 'null'))
    const nullable = members.length < union.length
    const { anyOf: _a, oneOf: _o, ...rest } = schema
    if (members.length === 1) {
      const single = convertNode({ ...rest, ...(isObject(members[0]) ? members[0] : {}) }, next)
      if (nullable) single.nullable = true
      if (out.description && !single.description) single.description = out.description
      return single
    }
    if (members.length === 0) return { ...out, type: Type.STRING, nullable: true }
    out.anyOf = members.map((m) => convertNode(m, next))
    if (nullable) out.nullable = true
    return out
  }

  // `type` may be an array (`["string", "null"]`): null becomes nullable, several others an anyOf.
  let typeName: string | undefined
  if (Array.isArray(schema.type)) {
    const names = schema.type.filter((t): t is string => typeof t === 'string')
    if (names.includes('null')) out.nullable = true
    const others = names.filter((t) => t !== 'null')
    if (others.length > 1) {
      const { type: _t, ...rest } = schema
      out.anyOf = others.map((t) => convertNode({ ...rest, type: t, description: undefined, title: undefined }, next))
      return out
    }
    typeName = others[0]
  } else if (typeof schema.type === 'string') {
    typeName = schema.type === 'null' ? undefined : schema.type
    if (schema.type === 'null') out.nullable = true
  }

  // const → a one-value enum.
  let values: unknown[] | undefined = Array.isArray(schema.enum) ? schema.enum : undefined
  if (schema.const !== undefined) values = [schema.const]

  // Infer a missing type from what the schema carries.
  if (!typeName) {
    if (isObject(schema.properties)) typeName = 'object'
    else if (schema.items !== undefined) typeName = 'array'
    else if (values && values.every((v) => typeof v === 'string')) typeName = 'string'
  }
  const type = typeName ? TYPES[typeName] : undefined
  if (type) out.type = type

  if (values) {
    const nonNull = values.filter((v) => v !== null)
    if (nonNull.length < values.length) out.nullable = true
    // Gemini enums are strings only; other values keep their type and are described instead.
    if (nonNull.length > 0 && nonNull.every((v) => typeof v === 'string') && (type === undefined || type === Type.STRING)) {
      out.type = Type.STRING
      out.enum = nonNull as string[]
    } else if (nonNull.length > 0) {
      appendDescription(out, `one of: ${describeValues(nonNull)}`)
    }
  }

  if (typeof schema.format === 'string') {
    if (out.type && FORMATS_BY_TYPE[out.type]?.includes(schema.format)) out.format = schema.format
    else appendDescription(out, `format: ${schema.format}`)
  }
  if (typeof schema.pattern === 'string') out.pattern = schema.pattern
  for (const key of NUMBER_KEYWORDS) if (typeof schema[key] === 'number') out[key] = schema[key]
  for (const key of COUNT_KEYWORDS) {
    // Gemini types these as int64, which its JSON mapping carries as strings.
    if (typeof schema[key] === 'number') out[key] = String(schema[key])
  }
  if (typeof schema.exclusiveMinimum === 'number') appendDescription(out, `greater than ${schema.exclusiveMinimum}`)
  if (typeof schema.exclusiveMaximum === 'number') appendDescription(out, `less than ${schema.exclusiveMaximum}`)
  if (Array.isArray(schema.examples) && schema.examples.length > 0) out.example = schema.examples[0]

  if (out.type === Type.ARRAY) {
    // Gemini requires `items` on arrays; a tuple (`prefixItems`) keeps its first member's shape.
    const items = schema.items ?? (Array.isArray(schema.prefixItems) ? schema.prefixItems[0] : undefined)
    out.items = convertNode(items ?? {}, next)
    if (!out.items.type && !out.items.anyOf) out.items.type = Type.STRING
  }

  if (isObject(schema.properties)) {
    const properties: Record<string, Schema> = {}
    for (const [name, child] of Object.entries(schema.properties)) properties[name] = convertNode(child, next)
    if (Object.keys(properties).length > 0) {
      out.properties = properties
      const required = Array.isArray(schema.required)
        ? schema.required.filter((r): r is string => typeof r === 'string' && r in properties)
        : []
      if (required.length > 0) out.required = required
    }
  }
  if (out.type === undefined && out.anyOf === undefined && out.properties === undefined) {
    // No type said or inferable (`{}`, `{description}`): Gemini rejects a typeless node.
    out.type = Type.STRING
  }
  return out
}

/** Converts a whole JSON Schema document (its `$defs` are inlined). Never throws. */
export function toGeminiSchema(schema: unknown): Schema {
  const root = isObject(schema) ? schema : {}
  return convertNode(root, { root, depth: 0 })
}

/**
 * Function parameters: Gemini rejects an OBJECT with no properties, so a tool that takes nothing sends no
 * `parameters` at all.
 */
export function toGeminiParameters(schema: unknown): Schema | undefined {
  if (schema === undefined || schema === null) return undefined
  const converted = toGeminiSchema(schema)
  if (converted.type === Type.OBJECT && !converted.properties) return undefined
  return converted
}
