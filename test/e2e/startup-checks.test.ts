import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, type AddressInfo, type Server } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Logger } from '../../src/log.js'
import { startNodeGateway } from '../../src/node.js'
import { failedChildStart, startChildGateway, type FailedStart } from '../support/child-gateway.js'

/** The `msg` of each JSON log line on stderr (start-up refusals are logged, never thrown with a stack). */
function errorLines(start: FailedStart): string[] {
  return start.stderr.trim().split('\n').filter(Boolean).map((line) => (JSON.parse(line) as { msg: string }).msg)
}

function expectRefusal(start: FailedStart, message: string): void {
  expect(start.code).toBe(78)
  expect(errorLines(start)).toEqual([message])
  expect(start.stderr).not.toMatch(/\n\s+at /)
}

describe('start-up checks (the real Node entry, as a child process)', () => {
  let dir: string
  const withOpenAI = (extra: Record<string, string>) => ({ OPENAI_API_KEY: 'sk-test', MANIFOLD_PROMPTS_DIR: join(dir, 'no-prompts'), ...extra })

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'manifold-startup-'))
  })
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  function configFile(name: string, content: unknown): string {
    const file = join(dir, name)
    writeFileSync(file, JSON.stringify(content))
    return file
  }

  it('a route target naming a known provider without its key fails the start, naming file, field and variable', async () => {
    const file = configFile('route.json', { routes: { duo: { strategy: 'all', targets: ['openai/gpt-4o-mini', 'mistral/mistral-small-latest'] } } })
    const start = await failedChildStart(withOpenAI({ MANIFOLD_CONFIG: file, MANIFOLD_DB: join(dir, 'a.db') }))
    expectRefusal(start, `${file}: routes.duo.targets[1]: provider "mistral" is not enabled (set MISTRAL_API_KEY)`)
  })

  it('an alias naming a provider nobody configured fails the start', async () => {
    const file = configFile('alias.json', { aliases: { fast: 'mistrall/small' } })
    const start = await failedChildStart(withOpenAI({ MANIFOLD_CONFIG: file, MANIFOLD_DB: join(dir, 'a.db') }))
    expectRefusal(start, `${file}: aliases.fast: provider "mistrall" is not configured (add it under "providers" in the config file)`)
  })

  it('a route target that is neither an alias nor provider/model fails the start', async () => {
    const file = configFile('bare.json', { routes: { one: { strategy: 'single', targets: [{ model: 'gpt-4o' }] } } })
    const start = await failedChildStart(withOpenAI({ MANIFOLD_CONFIG: file, MANIFOLD_DB: join(dir, 'a.db') }))
    expectRefusal(start, `${file}: routes.one.targets[0]: "gpt-4o" is neither an alias nor a provider/model name such as openai/gpt-4o-mini`)
  })

  const greetPrompt = (model: string) => [
    '---', 'name: greet', 'version: 1', 'status: published', 'description: Greets', `model: ${model}`,
    'input:', '  type: object', '  properties:', '    who: { type: string }', '---', '# user', 'Hello {{who}}', '',
  ].join('\n')

  it("a prompt's model naming a disabled provider fails the start, naming the prompt file", async () => {
    const prompts = join(dir, 'prompts')
    mkdirSync(prompts, { recursive: true })
    const file = join(prompts, 'greet.v1.md')
    writeFileSync(file, greetPrompt('anthropic/claude-haiku-4-5'))
    const start = await failedChildStart(withOpenAI({ MANIFOLD_PROMPTS_DIR: prompts, MANIFOLD_DB: join(dir, 'a.db') }))
    expectRefusal(start, `${file}: model: provider "anthropic" is not enabled (set ANTHROPIC_API_KEY)`)
  })

  it('a prompt reloaded (SIGHUP) with such a model is logged as an error; the gateway keeps running', async () => {
    const prompts = join(dir, 'reloaded')
    mkdirSync(prompts, { recursive: true })
    writeFileSync(join(prompts, 'greet.v1.md'), greetPrompt('openai/gpt-4o-mini'))
    const errors: Array<{ message: string; fields?: Record<string, unknown> }> = []
    const log: Logger = { debug() {}, info() {}, warn() {}, error: (message, fields) => errors.push({ message, fields }) }
    const node = await startNodeGateway({ MANIFOLD_DB: ':memory:', PORT: '0', OPENAI_API_KEY: 'sk-test', MANIFOLD_PROMPTS_DIR: prompts, MANIFOLD_ADMIN_KEY: 'mk-reload-admin-0123456789abcdefghij' }, log)
    try {
      writeFileSync(join(prompts, 'greet.v1.md'), greetPrompt('gemini/gemini-2.5-flash'))
      expect(node.reloadPrompts().loaded).toBe(1)
      expect(errors).toEqual([{
        message: 'prompt model not reachable',
        fields: { error: `${join(prompts, 'greet.v1.md')}: model: provider "gemini" is not enabled (set GEMINI_API_KEY)` },
      }])
      expect((await fetch(`${node.url}/health`)).status).toBe(200)
    } finally {
      await node.shutdown(0)
    }
  })

  it('with no provider at all the gateway starts and warns which variables to set', async () => {
    const gw = await startChildGateway({ MANIFOLD_DB: join(dir, 'none.db'), MANIFOLD_ADMIN_KEY: 'mk-startup-admin-0123456789abcdefghij' })
    try {
      const warnings = gw.stderr().trim().split('\n').map((line) => JSON.parse(line) as { level: string; msg: string })
      expect(warnings).toEqual([expect.objectContaining({
        level: 'warn',
        msg: expect.stringMatching(/^no provider is enabled, so every call will fail: set one of OPENAI_API_KEY, ANTHROPIC_API_KEY, MISTRAL_API_KEY, GEMINI_API_KEY, OLLAMA_BASE_URL, VLLM_API_KEY, /),
      })])
    } finally {
      gw.process.kill('SIGTERM')
      await gw.exited
    }
  })

  describe('port and database problems: one line with the fix, exit 78', () => {
    let busy: Server
    beforeAll(async () => {
      busy = createServer()
      await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve))
    })
    afterAll(() => new Promise<void>((resolve) => busy.close(() => resolve())))

    it('a port already in use', async () => {
      const port = (busy.address() as AddressInfo).port
      const start = await failedChildStart(withOpenAI({ MANIFOLD_DB: join(dir, 'port.db'), PORT: String(port) }))
      expectRefusal(start, `port ${port} on 127.0.0.1 is already in use: stop the process using it, or set PORT to a free port`)
    })

    it('a database path that is a directory', async () => {
      const folder = join(dir, 'folder.db')
      mkdirSync(folder)
      const start = await failedChildStart(withOpenAI({ MANIFOLD_DB: folder }))
      expectRefusal(start, `database path ${folder} is a directory, not a file: set MANIFOLD_DB to a writable file path such as ./data/manifold.db (for example ${join(folder, 'manifold.db')})`)
    })

    it('a database path under a file', async () => {
      const plain = join(dir, 'plain.txt')
      writeFileSync(plain, 'not a folder')
      const start = await failedChildStart(withOpenAI({ MANIFOLD_DB: join(plain, 'manifold.db') }))
      expectRefusal(start, `database path ${join(plain, 'manifold.db')} cannot be created: ${plain} is a file, not a folder; set MANIFOLD_DB to a writable file path such as ./data/manifold.db`)
    })

    it('a database path that is not a database', async () => {
      const notDb = join(dir, 'notes.db')
      writeFileSync(notDb, 'these are notes, not SQLite '.repeat(40))
      const start = await failedChildStart(withOpenAI({ MANIFOLD_DB: notDb }))
      expectRefusal(start, `database ${notDb} cannot be used (file is not a database): set MANIFOLD_DB to a Manifold database file, or to a new path to start a fresh one`)
    })
  })
})
