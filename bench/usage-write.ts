// How long one usage flush takes on SQLite, and how long it holds the event loop: the store's writeUsage
// (rows and rollups in one transaction) on a temp file, for batch sizes a flush sees under load, written
// inline (on the main thread) and on the writer thread (as the server does). Prints p50/p99/max per size.
//
//   node --import tsx bench/usage-write.ts [--flushes=200]
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { rollUpStatements } from '../src/metering/usage-rollup.js'
import { openSqliteStore } from '../src/store/sqlite.js'
import type { UsageInsert } from '../src/store/store.js'

const flushes = Number(process.argv.find((a) => a.startsWith('--flushes='))?.split('=')[1] ?? 200)

function row(i: number, at: number): UsageInsert {
  return {
    requestId: `req-${i}`, keyId: `key-${i % 4}`, provider: 'openai', model: 'openai/gpt-4o-mini', route: null, attempt: 1,
    surface: 'chat', status: 200, outcome: 'success', promptTokens: 12, completionTokens: 64, cachedTokens: 0, latencyMs: 3 + (i % 40), ttftMs: 2,
    costPicoUsd: 40_200_000, createdAt: at,
  }
}

const dir = mkdtempSync(join(tmpdir(), 'manifold-usage-write-'))
try {
  for (const usageWriterThread of [false, true]) {
    const store = openSqliteStore({ path: join(dir, `bench-${usageWriterThread}.db`), migrationsFolder: join(import.meta.dirname, '..', 'migrations'), usageWriterThread })
    const rollUps = rollUpStatements(store.db)
    let n = 0
    process.stdout.write(`${usageWriterThread ? 'writer thread' : 'inline'}:\n`)
    for (const size of [1, 50, 300, 1000]) {
      const total: number[] = []
      const blocked: number[] = []
      for (let f = 0; f < flushes; f++) {
        const rows = Array.from({ length: size }, () => row(n++, Date.UTC(2026, 11, 4) + n))
        const started = performance.now()
        const written = store.writeUsage(rows, rollUps)
        // The synchronous part of the call: what the event loop could not do meanwhile.
        blocked.push(performance.now() - started)
        await written
        total.push(performance.now() - started)
      }
      const at = (times: number[], p: number) => [...times].sort((a, b) => a - b)[Math.min(times.length - 1, Math.ceil((p / 100) * times.length) - 1)]!.toFixed(3)
      process.stdout.write(`${String(size).padStart(5)} rows/flush: write p50 ${at(total, 50)} / p99 ${at(total, 99)} / max ${at(total, 100)} ms; event loop held p50 ${at(blocked, 50)} / p99 ${at(blocked, 99)} / max ${at(blocked, 100)} ms\n`)
    }
    await store.close()
  }
} finally {
  rmSync(dir, { recursive: true, force: true })
}
