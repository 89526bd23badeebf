import { describe, expect, it } from 'vitest'
import type { JsonSchema } from '../../src/prompt-api/json-schema.js'
import { readSubmittedForm } from '../../src/ui/portal/form-body.js'
import { exampleBody, formFields } from '../../src/ui/portal/schema-fields.js'
import { promptSnippets, publicBaseUrl } from '../../src/ui/portal/snippets.js'

const input: JsonSchema = {
  type: 'object',
  required: ['text', 'mode'],
  properties: {
    text: { type: 'string', maxLength: 100 },
    mode: { enum: ['fast', 2] },
    words: { type: 'integer', minimum: 10, default: 50 },
    score: { type: 'number' },
    loud: { type: 'boolean' },
    meta: { type: ['object', 'null'] },
    note: { type: ['string', 'null'], maxLength: 50 },
  },
}

describe('the portal form: controls from the schema, the body from what was posted', () => {
  it('picks a control per property, in order', () => {
    expect(formFields(input).map((f) => [f.name, f.key, f.kind, f.required, f.nullable])).toEqual([
      ['text', 'field-0', 'text', true, false], ['mode', 'field-1', 'enum', true, false], ['words', 'field-2', 'integer', false, false],
      ['score', 'field-3', 'number', false, false], ['loud', 'field-4', 'boolean', false, false], ['meta', 'field-5', 'json', false, true],
      ['note', 'field-6', 'text', false, true],
    ])
  })

  it('leaves out empty optional fields, always sends a checkbox, passes number text that is not a number on to the API', () => {
    const fields = formFields(input)
    expect(readSubmittedForm(fields, { 'field-0': 'hi', 'field-1': '2', 'field-2': '', 'field-3': 'abc', 'field-5': '', 'field-6': '' })).toEqual({
      values: { 'field-0': 'hi', 'field-1': '2', 'field-2': '', 'field-3': 'abc', 'field-4': '', 'field-5': '', 'field-6': '' },
      body: { text: 'hi', mode: 2, score: 'abc', loud: false },
      errors: {},
    })
    expect(readSubmittedForm(fields, { 'field-0': '', 'field-1': '"fast"', 'field-4': 'true', 'field-5': '{"a": [1]}' }).body)
      .toEqual({ text: '', mode: 'fast', loud: true, meta: { a: [1] } })
    expect(readSubmittedForm(fields, { 'field-0': 'x', 'field-1': '"fast"', 'field-5': '{oops' }).errors).toEqual({ 'field-5': 'This is not valid JSON.' })
  })

  it('builds an example body of the required variables and the defaults', () => {
    expect(exampleBody(input)).toEqual({ text: 'your text', mode: 'fast', words: 50 })
  })
})

describe('the portal snippets', () => {
  const body = { text: "it's true, null", flag: true, none: null, list: [false] }
  const [curl, js, python] = promptSnippets('https://gw.example', '/v1/prompts/echo', body)

  it('quote the body for the shell, and spell JSON literals the Python way outside strings only', () => {
    expect(curl!.code.split('\n').at(-1)).toBe(`  -d '{"text":"it'\\''s true, null","flag":true,"none":null,"list":[false]}'`)
    expect(python!.code).toContain('"text": "it\'s true, null",\n      "flag": True,\n      "none": None,')
    expect(python!.code).toContain('      False\n')
    expect(js!.code).toContain('fetch("https://gw.example/v1/prompts/echo"')
  })

  it('never carry a key other than the $MANIFOLD_API_KEY variable', () => {
    expect(curl!.code).toContain('Bearer $MANIFOLD_API_KEY')
    expect(js!.code).toContain('Bearer ${process.env.MANIFOLD_API_KEY}')
    expect(python!.code).toContain("os.environ['MANIFOLD_API_KEY']")
  })

  it('use the address the browser reached, a proxy\'s forwarded one when it gives a sane one', () => {
    expect(publicBaseUrl('http://127.0.0.1:8787/ui/prompts/x', {})).toBe('http://127.0.0.1:8787')
    expect(publicBaseUrl('http://10.0.0.5:8787/ui', { proto: 'https', host: 'llm.example.com' })).toBe('https://llm.example.com')
    expect(publicBaseUrl('http://10.0.0.5:8787/ui', { proto: 'javascript', host: 'a b/c' })).toBe('http://10.0.0.5:8787')
  })
})
