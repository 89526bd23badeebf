import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js'
import addFormats from 'ajv-formats'
import { parse } from 'yaml'
import { FIXTURES_DIR } from './fixtures.js'

/**
 * Validates gateway output against OpenAI's published OpenAPI description (test/fixtures/specs). The spec
 * mixes OpenAPI 3.0 `nullable: true` into a 3.1 document, so that is rewritten to a null-union first.
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json }

function rewriteNullable(node: Json): Json {
  if (Array.isArray(node)) return node.map(rewriteNullable)
  if (node === null || typeof node !== 'object') return node
  const out: { [key: string]: Json } = {}
  for (const [key, value] of Object.entries(node)) {
    if (key === 'nullable') continue
    out[key] = rewriteNullable(value)
  }
  if (node.nullable === true) {
    if (typeof out.type === 'string') out.type = [out.type, 'null']
    else if (Array.isArray(out.type)) out.type = [...out.type, 'null']
    else return { anyOf: [out, { type: 'null' }] }
    if (Array.isArray(out.enum)) out.enum = [...out.enum, null]
  }
  return out
}

export type SpecSchemaName =
  | 'CreateChatCompletionResponse'
  | 'CreateChatCompletionStreamResponse'
  | 'ErrorResponse'
  | 'ListModelsResponse'
  | 'CreateEmbeddingResponse'

interface Validators { get(name: SpecSchemaName): ValidateFunction }

function buildValidators(): Validators {
  const spec = parse(readFileSync(join(FIXTURES_DIR, 'specs', 'openai-openapi.yaml'), 'utf8')) as { components: { schemas: Record<string, Json> } }
  const schemas = rewriteNullable(spec.components.schemas as Json) as Record<string, Json>
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true })
  ;(addFormats as unknown as (a: Ajv2020) => void)(ajv)
  ajv.addFormat('unixtime', { type: 'number', validate: (n: number) => Number.isInteger(n) && n >= 0 })
  ajv.addFormat('binary', true)
  ajv.addFormat('double', true)
  ajv.addFormat('float', true)
  ajv.addFormat('int64', true)
  ajv.addSchema({ $id: 'openai', components: { schemas } } as object)
  const cache = new Map<SpecSchemaName, ValidateFunction>()
  return {
    get(name) {
      let fn = cache.get(name)
      if (!fn) {
        fn = ajv.compile({ $ref: `openai#/components/schemas/${name}` })
        cache.set(name, fn)
      }
      return fn
    },
  }
}

let validators: Validators | undefined

/** The list of schema violations of `value` against the named OpenAI schema (empty when it conforms). */
export function validateSchema(name: SpecSchemaName, value: unknown): string[] {
  validators ??= buildValidators()
  const validate = validators.get(name)
  if (validate(value)) return []
  return (validate.errors ?? []).map((e) => `${e.instancePath || '(root)'} ${e.message ?? ''} ${JSON.stringify(e.params)}`)
}
