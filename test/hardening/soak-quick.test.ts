import { execFile } from 'node:child_process'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ROOT } from '../support/child-gateway.js'

interface SoakSummary {
  ok: boolean
  connections: number
  rounds: Array<{ round: number; rssMb: number; failures: number }>
  upstream: { attempts: number; failed500: number; reset: number; cut: number }
  usageRows: number
  problems: string[]
}

/** `npm run soak -- --quick`: the bounded soak's short form (bench/soak.js says what it checks). */
describe('soak, short form', () => {
  it('64 connections, 5% upstream faults, 3 rounds: every call answered, rows = attempts, RSS stable', { timeout: 120_000 }, async () => {
    const { code, stdout, stderr } = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(process.execPath, [join(ROOT, 'bench', 'soak.js'), '--quick'], { cwd: ROOT, timeout: 110_000 }, (err, out, errOut) => {
        resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout: out, stderr: errOut })
      })
    })
    const summary = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as SoakSummary
    expect({ code, problems: summary.problems }, stderr).toEqual({ code: 0, problems: [] })
    expect(summary.connections).toBe(64)
    expect(summary.rounds.length).toBeGreaterThanOrEqual(2)
    expect(summary.rounds.every((r) => r.failures === 0)).toBe(true)
    expect(summary.upstream.failed500 + summary.upstream.reset + summary.upstream.cut).toBeGreaterThan(0)
    expect(summary.usageRows).toBe(summary.upstream.attempts)
  })
})
