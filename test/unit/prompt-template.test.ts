import { describe, expect, it } from 'vitest'
import { compareVersions } from '../../src/prompt-api/catalog.js'
import { schemaProblems, validateValue, withDefaults, type JsonSchema } from '../../src/prompt-api/json-schema.js'
import { parseBody, placeholdersOf, renderMessages } from '../../src/prompt-api/template.js'

describe('prompt bodies', () => {
  it('splits messages on role lines; other headings are content; blank lines around a message are dropped', () => {
    const messages = parseBody('\n# system\n\n## Rules\nBe brief.\n\n# user\nHi {{name}}, {{ name }}!\n\n# assistant\n{"a": {"b": 1}}\n\n# user\n{{question}}\n')
    expect(messages.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'user'])
    expect(messages[0]!.parts).toEqual([{ text: '## Rules\nBe brief.' }])
    expect(messages[1]!.parts).toEqual([{ text: 'Hi ' }, { variable: 'name' }, { text: ', ' }, { variable: 'name' }, { text: '!' }])
    expect(messages[2]!.parts).toEqual([{ text: '{"a": {"b": 1}}' }])
    expect(placeholdersOf(messages)).toEqual(['name', 'question'])
  })

  it('renders in one pass: values are never scanned for placeholders', () => {
    const messages = parseBody('# user\n{{a}}|{{b}}')
    const rendered = renderMessages(messages, new Map<string, unknown>([['a', '{{b}}'], ['b', '{{a}}']]))
    expect(rendered).toEqual([{ role: 'user', content: '{{b}}|{{a}}' }])
  })

  it('renders numbers and objects as JSON, absent values as nothing, and never reads the prototype', () => {
    const messages = parseBody('# user\n{{n}} {{o}} [{{missing}}] [{{constructor}}] [{{toString}}]')
    const rendered = renderMessages(messages, new Map<string, unknown>([['n', 3], ['o', { x: [1] }]]))
    expect(rendered[0]!.content).toBe('3 {"x":[1]} [] [] []')
  })

  it('rejects an empty message and a prompt that ends with the assistant', () => {
    expect(() => parseBody('# system\n\n# user\nhi')).toThrow('line 1: the "# system" message is empty')
    expect(() => parseBody('# user\nhi\n# assistant\nhello')).toThrow('the last message is "# assistant"')
  })
})

describe('the JSON Schema subset', () => {
  const schema: JsonSchema = {
    type: 'object',
    required: ['name'],
    additionalProperties: false,
    properties: {
      name: { type: 'string', minLength: 1, maxLength: 5 },
      tags: { type: 'array', maxItems: 2, items: { type: 'string', enum: ['a', 'b'] } },
      size: { type: 'integer', minimum: 1, maximum: 3, default: 2 },
      nested: { type: ['object', 'null'], properties: { ok: { type: 'boolean' } }, required: ['ok'] },
    },
  }

  it('lists every problem, with paths', () => {
    expect(validateValue(schema, { name: '', tags: ['a', 'c', 'b'], size: 1.5, nested: {}, extra: 1 })).toEqual([
      { field: 'name', message: 'must be at least 1 characters' },
      { field: 'tags', message: 'must have at most 2 items' },
      { field: 'tags[1]', message: 'must be one of "a", "b"' },
      { field: 'size', message: 'must be an integer' },
      { field: 'nested.ok', message: 'is required' },
      { field: 'extra', message: 'is not a declared field' },
    ])
    expect(validateValue(schema, { name: 'abc', nested: null })).toEqual([])
  })

  it('counts characters as code points', () => {
    expect(validateValue({ type: 'string', maxLength: 2 }, '😀😀')).toEqual([])
    expect(validateValue({ type: 'string', maxLength: 1 }, '😀😀')).toEqual([{ field: '', message: 'must be at most 1 characters (got 2)' }])
  })

  it('fills defaults without touching the prototype', () => {
    const input = JSON.parse('{"name":"x","__proto__":{"polluted":1}}') as Record<string, unknown>
    const filled = withDefaults(schema, input) as Record<string, unknown>
    expect(filled.size).toBe(2)
    expect(Object.getPrototypeOf(filled)).toBe(Object.prototype)
    expect(Object.hasOwn(filled, '__proto__')).toBe(true)
    expect((filled as { polluted?: unknown }).polluted).toBeUndefined()
  })

  it('checks the schema itself', () => {
    expect(schemaProblems(schema)).toEqual([])
    expect(schemaProblems({ type: 'object', properties: { a: { type: 'string' } }, required: ['b'], minimum: 'x', $ref: '#/x' })).toEqual([
      '$ref: unsupported keyword (supported: type, properties, required, additionalProperties, items, enum, const, default, minLength, maxLength, minItems, maxItems, minimum, maximum, title, description, examples)',
      'required: "b" is not in properties',
      'minimum: must be a number',
    ])
  })
})

describe('version order', () => {
  it('compares numerically, segment by segment', () => {
    expect(['10', '2', '1.10', '1.2', '1'].sort(compareVersions)).toEqual(['1', '1.2', '1.10', '2', '10'])
  })
})
