import type { ApiKeyRow } from '../store/keys-repo.js'

interface Entry { row: ApiKeyRow | null; expiresAt: number }

/**
 * Key lookups by hash, kept for a few seconds so the hot path skips the database. Writes through the admin
 * API invalidate at once; the TTL bounds staleness between instances (Workers isolates, several Node processes).
 */
export class KeyCache {
  private readonly entries = new Map<string, Entry>()
  /** Secret → SHA-256 for secrets that matched a key: WebCrypto's digest is async and costs more than the rest of auth. */
  private readonly hashes = new Map<string, string>()

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

  /** The remembered hash of a secret that matched a key before; a hash never changes, so no TTL. */
  knownHash(secret: string): string | undefined {
    return this.hashes.get(secret)
  }

  /** Remembers the hash of a secret that matched a key (never of a wrong one, so garbage cannot fill it). */
  rememberHash(secret: string, hash: string): void {
    if (this.hashes.size >= this.maxEntries) this.hashes.clear()
    this.hashes.set(secret, hash)
  }

  /** Forgets every cached lookup of a key (revoke, rotate, update). */
  invalidateKey(id: string): void {
    for (const [hash, entry] of this.entries) if (entry.row?.id === id) this.entries.delete(hash)
  }

  clear(): void {
    this.entries.clear()
    this.hashes.clear()
  }
}
