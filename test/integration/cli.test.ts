import { execFile } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli } from '../../src/cli.js'
import { usage } from '../../src/store/schema.js'
import { openSqliteStore } from '../../src/store/sqlite.js'
import { ROOT } from '../support/child-gateway.js'
import { MIGRATIONS } from '../support/gateway.js'

interface CliRun { code: number; out: string; err: string }

/** The `manifold` command in-process: the same runCli the binary calls, with its environment and folder. */
async function manifold(args: string[], options: { env?: Record<string, string>; cwd?: string } = {}): Promise<CliRun> {
  const run: CliRun = { code: -1, out: '', err: '' }
  run.code = await runCli(args, {
    env: options.env ?? {}, cwd: options.cwd ?? ROOT, out: (t) => { run.out += t }, err: (t) => { run.err += t },
  })
  return run
}

describe('manifold: help, version and typos', () => {
  it('--version anywhere prints the version', async () => {
    for (const args of [['--version'], ['keys', '--version'], ['usage', '--by', 'model', '--version']]) {
      expect(await manifold(args)).toEqual({ code: 0, out: 'manifold 0.1.0\n', err: '' })
    }
  })

  it('-h, --help and help print the overview with every command', async () => {
    const overview = await manifold(['--help'])
    expect(overview.code).toBe(0)
    expect(overview.out).toMatch(/^usage: manifold <command> \[options\]\n/)
    for (const name of ['keys', 'usage', 'prompts', 'migrate', 'help']) expect(overview.out).toMatch(new RegExp(`\\n  ${name} +\\S`))
    expect((await manifold(['-h'])).out).toBe(overview.out)
    expect((await manifold(['help'])).out).toBe(overview.out)
    expect((await manifold([])).out).toBe(overview.out)
  })

  it('per-command and per-subcommand help, the same however it is asked for', async () => {
    const keys = await manifold(['keys', '--help'])
    expect(keys.out).toContain('usage: manifold keys <subcommand> [options]\n')
    expect(keys.out).toContain('\n  rotate  new secret for the same key; the old one stops working\n')
    expect((await manifold(['keys', '-h'])).out).toBe(keys.out)
    expect((await manifold(['help', 'keys'])).out).toBe(keys.out)
    const create = await manifold(['keys', 'create', '-h'])
    expect(create.code).toBe(0)
    expect(create.out).toMatch(/^usage: manifold keys create --name NAME \[fields\]\n\nissue a virtual key \(the secret is printed once\)\n/)
    expect(create.out).toContain('  --budget-usd 10 ')
    expect((await manifold(['keys', 'create', '--help'])).out).toBe(create.out)
    expect((await manifold(['help', 'keys', 'create'])).out).toBe(create.out)
    expect((await manifold(['usage', '--help'])).out).toMatch(/^usage: manifold usage \[--by model/)
    expect((await manifold(['prompts', 'test', '-h'])).out).toMatch(/^usage: manifold prompts test NAME --input/)
  })

  it('migrate --help prints help and does not touch the database', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'manifold-cli-help-'))
    try {
      const run = await manifold(['migrate', '--help'], { env: { MANIFOLD_DB: join(dir, 'm.db') } })
      expect(run).toEqual({ code: 0, out: expect.stringMatching(/^usage: manifold migrate\n\ncreate the database/), err: '' })
      expect(readdirSync(dir)).toEqual([])
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('typos get a suggestion and exit 2', async () => {
    expect(await manifold(['kyes', 'list'])).toEqual({ code: 2, out: '', err: 'manifold: unknown command "kyes"; did you mean "keys"?\nrun "manifold --help" for usage\n' })
    expect(await manifold(['keys', 'lst'])).toEqual({ code: 2, out: '', err: 'manifold: unknown command "keys lst"; did you mean "keys list"?\nrun "manifold keys --help" for usage\n' })
    expect(await manifold(['promts'])).toEqual({ code: 2, out: '', err: 'manifold: unknown command "promts"; did you mean "prompts"?\nrun "manifold --help" for usage\n' })
    expect(await manifold(['frobnicate'])).toEqual({ code: 2, out: '', err: 'manifold: unknown command "frobnicate"\nrun "manifold --help" for usage\n' })
    const dir = mkdtempSync(join(tmpdir(), 'manifold-cli-typo-'))
    try {
      const env = { MANIFOLD_DB: join(dir, 'm.db') }
      expect((await manifold(['migrate'], { env })).code).toBe(0)
      const flag = await manifold(['keys', 'create', '--nmae', 'ci'], { env })
      expect(flag).toEqual({ code: 2, out: '', err: expect.stringMatching(/^manifold: unknown flag --nmae; did you mean "--name"\?\nrun "manifold keys create --help" for usage\n$/) as unknown })
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe('manifold keys and usage: tables, JSON, names beside ids', () => {
  let dir: string
  let env: Record<string, string>
  const created: Record<string, { id: string; prefix: string; created_at: string }> = {}

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'manifold-cli-tables-'))
    env = { MANIFOLD_DB: join(dir, 'manifold.db') }
    for (const [name, extra] of [['ci', ['--team', 'data', '--budget-usd', '5', '--budget-period', 'daily', '--rpm', '60']], ['ana laptop', []]] as const) {
      const run = await manifold(['keys', 'create', '--name', name, ...extra], { env })
      expect(run.code).toBe(0)
      created[name] = JSON.parse(run.out) as { id: string; prefix: string; created_at: string }
    }
    const store = openSqliteStore({ path: env.MANIFOLD_DB!, migrationsFolder: MIGRATIONS })
    const now = Date.now()
    const base = { provider: 'openai', model: 'openai/gpt-4.1-nano', status: 200, outcome: 'success', promptTokens: 3, completionTokens: 0, latencyMs: 10 }
    await store.db.insert(usage).values([
      { ...base, requestId: 'u1', createdAt: now - 60_000, keyId: created.ci!.id, costPicoUsd: 300_000 },
      { ...base, requestId: 'u2', createdAt: now - 60_000, keyId: created['ana laptop']!.id, costPicoUsd: 300_000 },
      { ...base, requestId: 'u3', createdAt: now - 30_000, keyId: created['ana laptop']!.id, costPicoUsd: 300_000 },
    ])
    await store.close()
  })
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('keys list is a table; --json gives the keys as JSON', async () => {
    const { ci, 'ana laptop': ana } = created as Record<string, { id: string; prefix: string; created_at: string }>
    const table = await manifold(['keys', 'list'], { env })
    expect(table.code).toBe(0)
    const lines = table.out.split('\n')
    expect(lines[0]).toMatch(/^id +name +team +prefix +status +models +budget +rpm +created$/)
    expect(lines).toHaveLength(4)
    expect(lines[3]).toBe('')
    const ciLine = lines.find((l) => l.startsWith(ci!.id))!
    expect(ciLine.split(/\s{2,}/)).toEqual([ci!.id, 'ci', 'data', ci!.prefix, 'active', 'all', '$5 daily', '60', ci!.created_at.slice(0, 16).replace('T', ' ')])
    const anaLine = lines.find((l) => l.startsWith(ana!.id))!
    expect(anaLine.split(/\s{2,}/)).toEqual([ana!.id, 'ana laptop', '-', ana!.prefix, 'active', 'all', '-', '-', ana!.created_at.slice(0, 16).replace('T', ' ')])
    const json = await manifold(['keys', 'list', '--json'], { env })
    expect((JSON.parse(json.out) as Array<{ id: string; name: string }>).map((k) => k.name).sort()).toEqual(['ana laptop', 'ci'])
    expect(json.out).not.toContain('"key"')
  })

  it('usage --by key shows each key name beside its id, costs as plain decimals', async () => {
    const run = await manifold(['usage', '--by', 'key'], { env })
    expect(run.code).toBe(0)
    const [header, ...body] = run.out.trimEnd().split('\n')
    expect(header).toMatch(/^key +key_name +requests +attempts +errors +input +cached +output +cost_usd +unknown_cost +p50_ms +p95_ms$/)
    const cells = body.map((line) => line.split(/\s{2,}/)).map((c) => [c[0], c[1], c[2], c[8]])
    expect(cells.sort()).toEqual([
      [created['ana laptop']!.id, 'ana laptop', '2', '0.0000006'],
      [created.ci!.id, 'ci', '1', '0.0000003'],
    ].sort())
    const json = JSON.parse((await manifold(['usage', '--by', 'key', '--json'], { env })).out) as Array<{ group: Record<string, string> }>
    expect(json.map((r) => r.group).sort((a, b) => a.key_name!.localeCompare(b.key_name!))).toEqual([
      { key: created['ana laptop']!.id, key_name: 'ana laptop' },
      { key: created.ci!.id, key_name: 'ci' },
    ])
  })
})

describe('manifold finds the database the way the server does', () => {
  let project: string
  beforeAll(() => {
    project = mkdtempSync(join(tmpdir(), 'manifold-project-'))
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'manifold', version: '0.1.0' }))
    mkdirSync(join(project, 'prompts', 'deeper'), { recursive: true })
  })
  afterAll(() => rmSync(project, { recursive: true, force: true }))

  it('from a subfolder of the gateway, it uses data/manifold.db at the project root (no file in the subfolder)', async () => {
    const sub = join(project, 'prompts', 'deeper')
    const first = await manifold(['keys', 'create', '--name', 'from-sub'], { cwd: sub })
    expect(first.code).toBe(0)
    expect(first.err).toBe(`manifold: creating a new database at ${join(project, 'data', 'manifold.db')}\n`)
    expect(readdirSync(sub)).toEqual([])
    const listed = await manifold(['keys', 'list', '--json'], { cwd: project })
    expect((JSON.parse(listed.out) as Array<{ name: string }>).map((k) => k.name)).toEqual(['from-sub'])
    expect((await manifold(['migrate'], { cwd: sub })).out).toBe(`database ready at ${join(project, 'data', 'manifold.db')}\n`)
  })

  it('a folder holding data/manifold.db counts as the root, even without the package.json', async () => {
    const elsewhere = mkdtempSync(join(tmpdir(), 'manifold-dataonly-'))
    try {
      const dbPath = join(elsewhere, 'data', 'manifold.db')
      expect((await manifold(['migrate'], { env: { MANIFOLD_DB: dbPath } })).code).toBe(0)
      mkdirSync(join(elsewhere, 'reports'))
      expect((await manifold(['migrate'], { cwd: join(elsewhere, 'reports') })).out).toBe(`database ready at ${dbPath}\n`)
    } finally {
      rmSync(elsewhere, { recursive: true, force: true })
    }
  })

  it('outside any gateway folder and without MANIFOLD_DB, it says how to point at the database and creates nothing', async () => {
    const stray = mkdtempSync(join(tmpdir(), 'manifold-stray-'))
    try {
      const run = await manifold(['keys', 'list'], { cwd: stray })
      expect(run).toEqual({
        code: 1, out: '',
        err: `manifold: no Manifold database found in ${stray} or any folder above it (looked for data/manifold.db and the gateway's package.json): `
          + 'run manifold inside the gateway\'s folder, or set MANIFOLD_DB=/path/to/manifold.db\n',
      })
      expect(existsSync(join(stray, 'data'))).toBe(false)
    } finally {
      rmSync(stray, { recursive: true, force: true })
    }
  })

  it('the real binary: exit codes and streams as a shell sees them', async () => {
    const run = promisify(execFile)
    const tsx = join(ROOT, 'node_modules', '.bin', 'tsx')
    const { stdout } = await run(tsx, [join(ROOT, 'src', 'cli.ts'), 'keys', '--version'], { cwd: project, env: { PATH: process.env.PATH } })
    expect(stdout).toBe('manifold 0.1.0\n')
    const failed = await run(tsx, [join(ROOT, 'src', 'cli.ts'), 'kyes'], { cwd: project, env: { PATH: process.env.PATH } }).catch((err: unknown) => err as { code: number; stderr: string })
    expect(failed).toMatchObject({ code: 2, stderr: 'manifold: unknown command "kyes"; did you mean "keys"?\nrun "manifold --help" for usage\n' })
  }, 60_000)
})
