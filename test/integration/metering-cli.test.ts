import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runUsageCommand } from '../../src/metering/usage-cli.js'
import { runKeysCommand } from '../../src/security/keys-cli.js'
import { usage } from '../../src/store/schema.js'
import { openSqliteStore } from '../../src/store/sqlite.js'
import { MIGRATIONS } from '../support/gateway.js'

const run = promisify(execFile)
const ROOT = join(import.meta.dirname, '..', '..')

describe('manifold usage and manifold keys (the CLI in a child process)', () => {
  let dir: string
  let env: NodeJS.ProcessEnv

  async function cli(...args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
    try {
      const { stdout, stderr } = await run(join(ROOT, 'node_modules', '.bin', 'tsx'), [join(ROOT, 'src', 'cli.ts'), ...args], { env, cwd: ROOT })
      return { stdout, stderr, code: 0 }
    } catch (err) {
      const failed = err as { stdout: string; stderr: string; code: number }
      return { stdout: failed.stdout, stderr: failed.stderr, code: failed.code }
    }
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'manifold-cli-'))
    const dbPath = join(dir, 'manifold.db')
    env = { PATH: process.env.PATH, HOME: process.env.HOME, MANIFOLD_DB: dbPath }
    const store = openSqliteStore({ path: dbPath, migrationsFolder: MIGRATIONS })
    const now = Date.now()
    const base = { provider: 'openai', status: 200, outcome: 'success', keyId: 'key_cli' }
    await store.db.insert(usage).values([
      { ...base, requestId: 'r1', createdAt: now - 3_600_000, model: 'openai/gpt-4.1-nano', promptTokens: 16, completionTokens: 363, costPicoUsd: 146_800_000, latencyMs: 100 },
      { ...base, requestId: 'r2', createdAt: now - 7_200_000, model: 'openai/gpt-4.1-nano', promptTokens: 16, completionTokens: 363, costPicoUsd: 146_800_000, latencyMs: 300 },
      { ...base, requestId: 'r3', createdAt: now - 86_400_000, model: 'openai/unpriced', promptTokens: 10, completionTokens: 5, costPicoUsd: null, latencyMs: 50 },
      { ...base, requestId: 'r4', createdAt: now - 10 * 86_400_000, model: 'openai/gpt-4.1-nano', promptTokens: 1, completionTokens: 1, costPicoUsd: 500_000, latencyMs: 5 },
    ])
    await store.close()
  })
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true })
  })

  it('usage --by model --since 7d prints the report as a table', async () => {
    const { stdout, code } = await cli('usage', '--by', 'model', '--since', '7d')
    expect(code).toBe(0)
    expect(stdout).toBe([
      'model                requests  attempts  errors  input  cached  output   cost_usd  unknown_cost  p50_ms  p95_ms',
      'openai/gpt-4.1-nano         2         2       0     32       0     726  0.0002936             0     100     300',
      'openai/unpriced             1         1       0     10       0       5          0             1      50      50',
      '',
    ].join('\n'))
  }, 120_000)

  it('refuses an unknown dimension, naming it (in-process: the module the binary runs)', async () => {
    const store = openSqliteStore({ path: ':memory:', migrationsFolder: MIGRATIONS })
    const ctx = { store, clock: { now: () => Date.now(), sleep: async () => {} }, out: () => {} }
    await expect(runUsageCommand(['--by', 'colour'], ctx)).rejects.toThrow("--by: 'colour' is not one of key, team, model, provider, route, prompt, day, hour")
    await expect(runUsageCommand(['--since', 'last week'], ctx)).rejects.toThrow('--since: expected 7d')
    await store.close()
  })

  it('keys create through the real command line', async () => {
    const created = await cli('keys', 'create', '--name', 'ci', '--team', 'data', '--models', 'openai/*,anthropic/*', '--budget-usd', '5',
      '--budget-period', 'daily', '--rpm', '60', '--metadata', '{"owner":"ana"}')
    expect(created.code).toBe(0)
    const key = JSON.parse(created.stdout) as Record<string, unknown>
    expect(key).toMatchObject({ name: 'ci', team: 'data', models: ['openai/*', 'anthropic/*'], budget_usd: 5, budget_period: 'daily', rpm: 60, metadata: { owner: 'ana' } })
    expect(key.key).toMatch(/^mk-/)
  }, 120_000)

  // The rest in-process: the same command module the binary runs, without a 15 s process start per step.
  it('keys update, rotate, show and revoke with flags', async () => {
    const store = openSqliteStore({ path: ':memory:', migrationsFolder: MIGRATIONS })
    let printed = ''
    const ctx = { store, clock: { now: () => Date.UTC(2026, 6, 24, 12), sleep: async () => {} }, out: (text: string) => { printed = text } }
    const keys = async (...args: string[]) => {
      await runKeysCommand(args[0], args.slice(1), ctx)
      return JSON.parse(printed) as Record<string, unknown>
    }
    const key = await keys('create', '--name', 'ci', '--budget-usd', '5', '--budget-period', 'daily', '--rpm', '60')
    await expect(runKeysCommand('update', [key.id as string, '--rpm', 'lots'], ctx)).rejects.toThrow("--rpm: Invalid value for 'rpm'")
    await expect(runKeysCommand('create', ['--name', 'x', '--colour', 'red'], ctx)).rejects.toThrow('unknown flag --colour')
    expect(await keys('update', key.id as string, '--rpm', 'none', '--tpm', '1000')).toMatchObject({ rpm: null, tpm: 1000 })
    expect(key.route_header).toBe('in_scope')
    expect(await keys('update', key.id as string, '--route-header', 'deny')).toMatchObject({ route_header: 'deny' })
    await expect(runKeysCommand('update', [key.id as string, '--route-header', 'sometimes'], ctx)).rejects.toThrow("--route-header: Invalid value for 'route_header'")
    const rotated = await keys('rotate', key.id as string)
    expect(rotated.id).toBe(key.id)
    expect(rotated.key).not.toBe(key.key)
    const shown = await keys('show', key.id as string)
    expect(shown.spend).toEqual({ period: 'daily', period_start: '2026-07-24T00:00:00.000Z', resets_at: '2026-07-25T00:00:00.000Z', spent_usd: 0, remaining_usd: 5 })
    expect(shown.key).toBeUndefined()
    expect(await keys('revoke', key.id as string)).toMatchObject({ id: key.id, revoked_at: '2026-07-24T12:00:00.000Z' })
    await expect(runKeysCommand('rotate', [key.id as string], ctx)).rejects.toThrow('is revoked; revocation is final')
    await store.close()
  })
})
