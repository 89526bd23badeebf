import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { silentLogger } from '../../src/log.js'
import { startNodeGateway } from '../../src/node.js'
import { PromptCatalog } from '../../src/prompt-api/catalog.js'
import { ADMIN_KEY, startTestGateway, type TestGateway } from '../support/gateway.js'
import { startMockUpstream, type MockUpstream } from '../support/mock-upstream.js'
import { basicFront, completionWith, promptSource, promptText } from '../support/prompt-files.js'

const MB = 1024 * 1024

/** `pair` takes two declared variables; `capped` refuses long text; `open` takes any length. */
function safetyCatalog(): PromptCatalog {
  return new PromptCatalog([
    promptSource('prompts/pair.v1.md', basicFront({
      name: 'pair',
      input: { type: 'object', required: ['text', 'other'], properties: { text: { type: 'string' }, other: { type: 'string' } } },
    }), '# system\nOther: {{other}}\n\n# user\nText: {{ text }} (end)\n'),
    promptSource('prompts/capped.v1.md', basicFront({ name: 'capped' })),
    promptSource('prompts/open.v1.md', basicFront({ name: 'open', input: { type: 'object', required: ['text'], properties: { text: { type: 'string' } } } })),
    { file: 'prompts/broken.v1.md', text: '---\nname: broken\nversion: [1\n---\n# user\nhi\n' },
  ])
}

describe('template safety through the gateway', () => {
  let upstream: MockUpstream
  let gw: TestGateway

  beforeAll(async () => {
    upstream = await startMockUpstream(() => ({ json: completionWith('ok') }))
    gw = await startTestGateway({ env: { OPENAI_API_KEY: 'sk-upstream', OPENAI_BASE_URL: `${upstream.url}/v1` }, assemble: { prompts: safetyCatalog() } })
  })
  afterAll(async () => {
    await gw.close()
    await upstream.close()
  })
  beforeEach(() => {
    upstream.requests.length = 0
  })

  const call = (name: string, body: string) => gw.request(`/v1/prompts/${name}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body })
  const sentMessages = () => (upstream.requests.at(-1)!.body as { messages: Array<{ role: string; content: string }> }).messages

  it.each([
    '{{other}}',
    "{{constructor.constructor('x')()}}",
    '{{__proto__}}',
    '${x}',
    '{{ other }} and {{text}} and {{{other}}}',
    '`${process.exit()}` <%= 7*7 %> {% raw %}',
  ])('a value of %j is sent literally, never evaluated or substituted', async (value) => {
    const res = await call('pair', JSON.stringify({ text: value, other: 'OTHER' }))
    expect(res.status).toBe(200)
    expect(sentMessages()).toEqual([
      { role: 'system', content: 'Other: OTHER' },
      { role: 'user', content: `Text: ${value} (end)` },
    ])
  })

  it('a value in `other` that looks like a placeholder stays literal too', async () => {
    expect((await call('pair', JSON.stringify({ text: 't', other: '{{text}}' }))).status).toBe(200)
    expect(sentMessages()[0]).toEqual({ role: 'system', content: 'Other: {{text}}' })
  })

  it('__proto__ and constructor in the body are undeclared fields (400), and pollute nothing', async () => {
    const res = await call('pair', '{"text":"a","other":"b","__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}')
    expect(res.status).toBe(400)
    expect((await res.json() as { error: { fields: unknown } }).error.fields).toEqual([
      { field: '__proto__', message: 'is not a declared field' },
      { field: 'constructor', message: 'is not a declared field' },
    ])
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    expect(upstream.requests).toHaveLength(0)
  })

  it('a 1 MB string is refused by maxLength with a 400 naming the field', async () => {
    const res = await call('capped', JSON.stringify({ text: 'a'.repeat(MB) }))
    expect(res.status).toBe(400)
    expect((await res.json() as { error: { message: string } }).error.message).toBe(`Invalid input for echo v1: text: must be at most 1000 characters (got ${MB}).`.replace('echo', 'capped'))
    expect(upstream.requests).toHaveLength(0)
  })

  it('a 1 MB string of braces is rendered literally where no maxLength applies', async () => {
    const value = '{{text}}${x}'.repeat(MB / 12)
    expect((await call('open', JSON.stringify({ text: value }))).status).toBe(200)
    expect(sentMessages()[1]!.content).toBe(value)
  })

  it('a malformed file does not take the other prompts down, and is not served', async () => {
    expect((await call('broken', '{}')).status).toBe(404)
    expect((await call('open', '{"text":"still here"}')).status).toBe(200)
  })
})

describe('malformed prompt files', () => {
  const good = promptSource('prompts/good.v1.md', basicFront({ name: 'good' }))
  const load = (file: string, text: string) => new PromptCatalog([good, { file, text }]).report

  // promptText's front matter is 15 lines (---, 13 of YAML, ---), so the body starts on line 16.
  it.each([
    ['bad YAML', '---\nname: x\nversion: [1\n---\n# user\nhi\n', /^prompts\/bad\.md: bad YAML in the front matter \(line 3\): Flow sequence/],
    ['no front matter', '# user\nhi {{text}}\n', /^prompts\/bad\.md: the file must start with a "---" line/],
    ['an unclosed front matter', '---\nname: x\n# user\nhi\n', /^prompts\/bad\.md: the front matter has no closing "---" line$/],
    ['an undeclared placeholder', promptText(basicFront({ name: 'bad' }), '# user\n{{text}} {{tone}} {{mood}}\n'), /^prompts\/bad\.md: template uses undeclared variables \{\{tone\}\}, \{\{mood\}\}; declare them under input\.properties$/],
    ['a placeholder with an expression', promptText(basicFront({ name: 'bad' }), "# user\n{{constructor.constructor('x')()}}\n"), /^prompts\/bad\.md: template: line 17: "\{\{constructor\.constructor\('x'\)\(\)\}\}" is not a placeholder/],
    ['an unclosed placeholder', promptText(basicFront({ name: 'bad' }), '# user\nhello {{text\n'), /^prompts\/bad\.md: template: line 17: "\{\{" without a closing "\}\}"/],
    ['an invalid input schema', promptText(basicFront({ name: 'bad', input: { type: 'object', properties: { text: { type: 'strng', maxLength: -1 } } } }), basicBodyText()),
      /^prompts\/bad\.md: invalid input schema: input\.properties\.text\.type: must be one of .*; input\.properties\.text\.maxLength: must be a whole number ≥ 0$/],
    ['an unsupported schema keyword', promptText(basicFront({ name: 'bad', output: { type: 'string', pattern: '^a+$' } }), basicBodyText()), /^prompts\/bad\.md: invalid output schema: output\.pattern: unsupported keyword/],
    ['a default that breaks its own schema', promptText(basicFront({ name: 'bad', input: { type: 'object', properties: { text: { type: 'string', enum: ['a'], default: 'b' } } } }), basicBodyText()),
      /^prompts\/bad\.md: invalid input schema: input\.properties\.text\.default: must be one of "a"$/],
    ['a missing field', promptText({ ...basicFront({ name: 'bad' }), model: undefined }, basicBodyText()), /^prompts\/bad\.md: invalid front matter: model: /],
    ['an unknown status', promptText(basicFront({ name: 'bad', status: 'live' }), basicBodyText()), /^prompts\/bad\.md: invalid front matter: status: /],
    ['a float version', promptText(basicFront({ name: 'bad', version: 1.1 }), basicBodyText()), /^prompts\/bad\.md: invalid front matter: version: /],
    ['a reserved param', promptText(basicFront({ name: 'bad', params: { stream: true } }), basicBodyText()), /^prompts\/bad\.md: params\.stream: set by the gateway/],
    ['text before the first message', promptText(basicFront({ name: 'bad' }), 'Hello\n# user\n{{text}}\n'), /^prompts\/bad\.md: template: line 16: text before the first message/],
    ['no messages', promptText(basicFront({ name: 'bad' }), '\n'), /^prompts\/bad\.md: template: the body has no messages/],
  ])('%s fails its own load with a message naming the file and the problem', (_what, text, expected) => {
    const report = load('prompts/bad.md', text)
    expect(report.loaded).toBe(1)
    expect(report.errors).toHaveLength(1)
    expect(report.errors[0]!.file).toBe('prompts/bad.md')
    expect(report.errors[0]!.message).toMatch(expected)
  })

  it('a second file with the same name and version is refused, naming both files', () => {
    const report = load('prompts/good.v1.copy.md', good.text)
    expect(report.errors).toEqual([{ file: 'prompts/good.v1.md', message: 'prompts/good.v1.md: good version 1 is already defined by prompts/good.v1.copy.md' }])
  })
})

function basicBodyText(): string {
  return '# user\n{{text}}\n'
}

describe('loading on Node', () => {
  let dir: string
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'manifold-prompts-'))
  })
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('loads the folder at start and again on reload (what SIGHUP calls)', async () => {
    writeFileSync(join(dir, 'first.v1.md'), promptText(basicFront({ name: 'first' }), basicBodyText()))
    writeFileSync(join(dir, 'README.md'), '# Not a prompt\n')
    const node = await startNodeGateway({ MANIFOLD_DB: ':memory:', PORT: '0', MANIFOLD_ADMIN_KEY: ADMIN_KEY, MANIFOLD_PROMPTS_DIR: dir }, silentLogger)
    try {
      const names = async () => {
        const res = await fetch(`${node.url}/v1/prompts`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } })
        return ((await res.json()) as { data: Array<{ name: string }> }).data.map((p) => p.name)
      }
      expect(await names()).toEqual(['first'])
      writeFileSync(join(dir, 'second.v1.md'), promptText(basicFront({ name: 'second' }), basicBodyText()))
      writeFileSync(join(dir, 'third.v1.md'), '---\nname: third\n')
      const report = node.reloadPrompts()
      expect(report.loaded).toBe(2)
      expect(report.errors).toEqual([{ file: join(dir, 'third.v1.md'), message: `${join(dir, 'third.v1.md')}: the front matter has no closing "---" line` }])
      expect(await names()).toEqual(['first', 'second'])
    } finally {
      await node.shutdown(0)
    }
  })
})
