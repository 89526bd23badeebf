import { describe, expect, it } from 'vitest'
import { toGeminiParameters, toGeminiSchema } from '../../providers/gemini/index.js'

describe('JSON Schema → Gemini Schema (converts, never throws)', () => {
  const cases: Array<[string, unknown, unknown]> = [
    ['drops $schema, $id, additionalProperties, strict; upper-cases types',
      { $schema: 'https://json-schema.org/draft/2020-12/schema', $id: 'x', type: 'object', strict: true, additionalProperties: false, properties: { a: { type: 'string' } }, required: ['a'] },
      { type: 'OBJECT', properties: { a: { type: 'STRING' } }, required: ['a'] }],
    ['inlines $ref / $defs (sibling description wins)',
      { type: 'object', properties: { home: { $ref: '#/$defs/Address', description: 'Home address' } }, $defs: { Address: { type: 'object', description: 'An address', properties: { city: { type: 'string' } } } } },
      { type: 'OBJECT', properties: { home: { type: 'OBJECT', description: 'Home address', properties: { city: { type: 'STRING' } } } } }],
    ['resolves legacy #/definitions references',
      { type: 'array', items: { $ref: '#/definitions/N' }, definitions: { N: { type: 'integer' } } },
      { type: 'ARRAY', items: { type: 'INTEGER' } }],
    ['anyOf with null → nullable',
      { anyOf: [{ type: 'string', description: 'a name' }, { type: 'null' }] },
      { type: 'STRING', description: 'a name', nullable: true }],
    ['type arrays with null → nullable; several types → anyOf',
      { type: 'object', properties: { a: { type: ['integer', 'null'] }, b: { type: ['string', 'number'] } } },
      { type: 'OBJECT', properties: { a: { type: 'INTEGER', nullable: true }, b: { anyOf: [{ type: 'STRING' }, { type: 'NUMBER' }] } } }],
    ['oneOf → anyOf', { oneOf: [{ type: 'string' }, { type: 'integer' }] }, { anyOf: [{ type: 'STRING' }, { type: 'INTEGER' }] }],
    ['const → a one-value enum', { const: 'fixed' }, { type: 'STRING', enum: ['fixed'] }],
    ['string enums stay; null in an enum → nullable', { type: 'string', enum: ['a', 'b', null] }, { type: 'STRING', enum: ['a', 'b'], nullable: true }],
    ['numeric enums cannot be Gemini enums: described instead', { type: 'integer', enum: [1, 2, 3] }, { type: 'INTEGER', description: 'one of: 1, 2, 3' }],
    ['supported formats kept, others moved into the description',
      { type: 'object', properties: { at: { type: 'string', format: 'date-time' }, mail: { type: 'string', format: 'email', description: 'Contact' }, n: { type: 'number', format: 'double' } } },
      { type: 'OBJECT', properties: { at: { type: 'STRING', format: 'date-time' }, mail: { type: 'STRING', description: 'Contact (format: email)' }, n: { type: 'NUMBER', format: 'double' } } }],
    ['limits kept (counts as int64 strings), exclusive bounds described',
      { type: 'array', minItems: 1, maxItems: 3, items: { type: 'number', minimum: 0, exclusiveMaximum: 10 } },
      { type: 'ARRAY', minItems: '1', maxItems: '3', items: { type: 'NUMBER', minimum: 0, description: 'less than 10' } }],
    ['allOf merged into one object',
      { allOf: [{ type: 'object', properties: { a: { type: 'string' } }, required: ['a'] }, { properties: { b: { type: 'boolean' } }, required: ['b'] }] },
      { type: 'OBJECT', properties: { a: { type: 'STRING' }, b: { type: 'BOOLEAN' } }, required: ['a', 'b'] }],
    ['missing types inferred; typeless leaves become STRING; arrays always get items',
      { properties: { list: { items: { type: 'string' } }, anything: {}, raw: { type: 'array' } } },
      { type: 'OBJECT', properties: { list: { type: 'ARRAY', items: { type: 'STRING' } }, anything: { type: 'STRING' }, raw: { type: 'ARRAY', items: { type: 'STRING' } } } }],
    ['required names without a property are dropped', { type: 'object', properties: { a: { type: 'string' } }, required: ['a', 'ghost'] }, { type: 'OBJECT', properties: { a: { type: 'STRING' } }, required: ['a'] }],
    ['examples → example; default and $comment dropped', { type: 'string', examples: ['x', 'y'], default: 'x', $comment: 'c' }, { type: 'STRING', example: 'x' }],
  ]
  for (const [name, input, output] of cases) {
    it(name, () => {
      expect(toGeminiSchema(input)).toEqual(output)
    })
  }

  it('a recursive $ref stops at a depth limit instead of looping', () => {
    const tree = { $ref: '#/$defs/Node', $defs: { Node: { type: 'object', properties: { children: { type: 'array', items: { $ref: '#/$defs/Node' } } } } } }
    const converted = toGeminiSchema(tree)
    expect(JSON.stringify(converted)).toContain('recursion limit reached')
    expect(converted.type).toBe('OBJECT')
  })

  it('garbage in (null, arrays, unknown refs) gives a schema, not an exception', () => {
    expect(toGeminiSchema(null)).toEqual({ type: 'STRING' })
    expect(toGeminiSchema({ $ref: 'https://elsewhere/schema.json' })).toEqual({ type: 'STRING' })
    expect(toGeminiSchema({ type: 'null' })).toEqual({ type: 'STRING', nullable: true })
  })

  it('function parameters: an object without properties means no parameters', () => {
    expect(toGeminiParameters({ type: 'object', properties: {}, additionalProperties: false })).toBeUndefined()
    expect(toGeminiParameters(undefined)).toBeUndefined()
    expect(toGeminiParameters({ type: 'object', properties: { q: { type: 'string' } } })).toEqual({ type: 'OBJECT', properties: { q: { type: 'STRING' } } })
  })
})
