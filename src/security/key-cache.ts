import type { ApiKeyRow } from '../store/keys-repo.js'

interface Entry { row: ApiKeyRow | null; expiresAt: number }

/**
 * Key lookups by hash, kept for a few seconds so the hot path skips the database. Writes through the admin
 * API invalidate at once; the TTL bounds staleness between instances (Workers isolates, several Node processes).
 */
export class KeyCache {
  private readonly entries = new Map<string, Entry>()

  constructor(private readonly ttlMs = 5_000, private readonly maxEntries = 10_000) {}

  get(hash: string, now: number): ApiKeyRow | null | undefined {
    const entry = this.entries.get(hash)
    if (!entry) return undefined
    if (entry.expiresAt <= now) {
      this.entries.delete(hash)
      return undefined
    }
    return entry.row
  }

  set(hash: string, row: ApiKeyRow | null, now: number): void {
    if (this.entries.size >= this.maxEntries) this.entries.clear()
    this.entries.set(hash, { row, expiresAt: now + this.ttlMs })
  }

  /** Forgets every cached lookup of a key (revoke, rotate, update). */
  invalidateKey(id: string): void {
    for (const [hash, entry] of this.entries) if (entry.row?.id === id) this.entries.delete(hash)
  }

  clear(): void {
    this.entries.clear()
  }
}
