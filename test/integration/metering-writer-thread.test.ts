import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { rollUpStatements } from '../../src/metering/usage-rollup.js'
import { openSqliteStore } from '../../src/store/sqlite.js'
import type { Store, UsageInsert } from '../../src/store/store.js'
import { multiRowSizes } from '../../src/store/sqlite-usage-writer.js'

const MIGRATIONS = join(import.meta.dirname, '..', '..', 'migrations')
const HOUR = Date.UTC(2026, 11, 4, 9)

const row = (i: number, fields: Partial<UsageInsert> = {}): UsageInsert => ({
  requestId: `req-${i}`, createdAt: HOUR + i, keyId: `key-${i % 3}`, provider: 'openai', model: 'openai/gpt-4o-mini',
  surface: 'chat', stream: i % 2 === 0, status: 200, outcome: 'success', promptTokens: 10, completionTokens: i,
  costPicoUsd: 1_000 * i, latencyMs: 5, ttftMs: null, ...fields,
})

describe('SQLite usage writes: multi-row inserts, on the writer thread or inline', () => {
  let dir: string
  let stores: Store[]
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'manifold-writer-'))
    stores = []
  })
  afterEach(async () => {
    for (const store of stores) await store.close()
    rmSync(dir, { recursive: true, force: true })
  })

  const open = (usageWriterThread: boolean) => {
    const store = openSqliteStore({ path: join(dir, 'usage.db'), migrationsFolder: MIGRATIONS, usageWriterThread })
    stores.push(store)
    return store
  }
  const readRows = () => {
    const reader = new Database(join(dir, 'usage.db'), { readonly: true })
    try {
      return {
        usage: reader.prepare('SELECT request_id, stream, completion_tokens, cost_pico_usd, endpoint FROM usage ORDER BY id').all(),
        hourly: reader.prepare('SELECT key_id, attempts, output_tokens, cost_pico_usd FROM usage_rollup_hourly ORDER BY key_id').all(),
      }
    } finally {
      reader.close()
    }
  }

  it('splits a batch into power-of-two inserts within the cap', () => {
    expect(multiRowSizes(300, 256)).toEqual([256, 32, 8, 4])
    expect(multiRowSizes(7, 1000)).toEqual([4, 2, 1])
    expect(multiRowSizes(5, 3)).toEqual([2, 2, 1])
    expect(multiRowSizes(0, 256)).toEqual([])
  })

  for (const usageWriterThread of [true, false]) {
    it(`${usageWriterThread ? 'writer thread' : 'inline'}: 300 rows land whole and in order, rolled up once, committed when writeUsage resolves`, async () => {
      const store = open(usageWriterThread)
      const rows = Array.from({ length: 300 }, (_, i) => row(i + 1))
      await store.writeUsage(rows, rollUpStatements(store.db))
      const written = readRows()
      expect(written.usage).toHaveLength(300)
      expect(written.usage[0]).toEqual({ request_id: 'req-1', stream: 0, completion_tokens: 1, cost_pico_usd: 1_000, endpoint: 'chat' })
      expect(written.usage[299]).toEqual({ request_id: 'req-300', stream: 1, completion_tokens: 300, cost_pico_usd: 300_000, endpoint: 'chat' })
      const sumOf = (k: number) => rows.filter((_, i) => (i + 1) % 3 === k).reduce((s, r) => s + (r.completionTokens ?? 0), 0)
      expect(written.hourly).toEqual([0, 1, 2].map((k) => ({ key_id: `key-${k}`, attempts: 100, output_tokens: sumOf(k), cost_pico_usd: sumOf(k) * 1_000 })))
    })

    it(`${usageWriterThread ? 'writer thread' : 'inline'}: a batch SQLite refuses rejects and writes nothing, and the store keeps writing`, async () => {
      const store = open(usageWriterThread)
      const bad = row(2, { status: null as unknown as number })
      await expect(store.writeUsage([row(1), bad], rollUpStatements(store.db))).rejects.toThrow(/NOT NULL constraint failed: usage.status/)
      expect(readRows().usage).toEqual([])
      await store.writeUsage([row(3)], rollUpStatements(store.db))
      expect(readRows().usage).toEqual([{ request_id: 'req-3', stream: 0, completion_tokens: 3, cost_pico_usd: 3_000, endpoint: 'chat' }])
    })
  }

  it('a row crosses to the thread exactly as it was recorded, whether it was prepared when recorded or not', async () => {
    const readAll = () => {
      const reader = new Database(join(dir, 'usage.db'), { readonly: true })
      try {
        return reader.prepare('SELECT * FROM usage ORDER BY id').all().map((r) => ({ ...(r as Record<string, unknown>), id: undefined }))
      } finally {
        reader.close()
      }
    }
    const awkward = (i: number): UsageInsert => row(i, {
      requestId: `req-"${i}"\n\u2028é😀`, team: 'a\\b', latencyMs: 0.1 + 0.2, ttftMs: 1e-7 * i,
      costPicoUsd: Number.MAX_SAFE_INTEGER - i, cacheSavingsPicoUsd: 7, stream: true, promptVersion: '3',
    })
    const inline = open(false)
    await inline.writeUsage([awkward(1), awkward(2)], [])
    const expected = readAll()
    await inline.close()
    stores = []
    rmSync(join(dir, 'usage.db'))

    const threaded = open(true)
    const prepared = awkward(1)
    threaded.prepareUsage?.(prepared)
    await threaded.writeUsage([prepared, awkward(2)], [])
    const written = readAll()
    expect(written).toEqual(expected)
    expect(written[0]).toMatchObject({ request_id: 'req-"1"\n\u2028é😀', team: 'a\\b', latency_ms: 0.30000000000000004, cost_pico_usd: Number.MAX_SAFE_INTEGER - 1, stream: 1 })
  })

  it('close waits for the writes in flight on the thread', async () => {
    const store = open(true)
    const pending = [store.writeUsage([row(1)], []), store.writeUsage([row(2), row(3)], [])]
    await store.close()
    stores = []
    await Promise.all(pending)
    expect(readRows().usage.map((r) => (r as { request_id: string }).request_id)).toEqual(['req-1', 'req-2', 'req-3'])
  })
})
