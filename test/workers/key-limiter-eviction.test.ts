import { runInDurableObject } from 'cloudflare:test'
import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import type { ApiKeyRow } from '../../src/store/keys-repo.js'
import { KeyLimiterObject } from '../../src/worker.js'
import type { AcquireResult } from '../../src/workers/key-limiter-protocol.js'

const namespace = (env as unknown as { KEY_LIMITER: DurableObjectNamespace<KeyLimiterObject & Rpc.DurableObjectBranded> }).KEY_LIMITER

const key: ApiKeyRow = {
  id: 'key_eviction', name: 'eviction', team: null, role: 'member', keyHash: 'hash-1', keyPrefix: 'mk-…', models: null, prompts: null,
  budgetPicoUsd: null, budgetPeriod: null, rpm: 2, tpm: null, maxParallel: 1, routeHeader: 'in_scope', expiresAt: null,
  metadata: null, webhookSecret: null, createdAt: 1, updatedAt: 1, revokedAt: null,
}
const input = { key, attempts: 1, tokensPerAttempt: 0, costPerAttempt: 0 }
const codeOf = (result: AcquireResult) => (result.ok ? 'ok' : result.refusal.code)

describe('a key limiter evicted while a call runs', () => {
  it('a fresh instance over the same storage keeps the parallel slot and the rpm bucket', async () => {
    const stub = namespace.get(namespace.idFromName(key.id))
    await runInDurableObject(stub, async (first: KeyLimiterObject, state) => {
      const running = await first.acquire(input)
      expect(running.ok).toBe(true)

      // The object is evicted: a new instance reads what the first one stored.
      const restarted = new KeyLimiterObject(state as never, env as never)
      expect(codeOf(await restarted.acquire(input))).toBe('rate_limit_exceeded')
      const refusal = await restarted.acquire(input)
      expect(refusal.ok ? '' : refusal.refusal.message).toBe('Too many parallel requests: this key may have 1 in flight at once.')

      await restarted.settle((running as { leaseId: string }).leaseId, { tokens: 0, costPicoUsd: 0 })
      const second = await restarted.acquire(input)
      expect(second.ok).toBe(true)
      await restarted.settle((second as { leaseId: string }).leaseId, { tokens: 0, costPicoUsd: 0 })
      // Two requests of the minute are used, one before the eviction and one after.
      const third = await restarted.acquire(input)
      expect(third.ok ? '' : third.refusal.message).toMatch(/^Rate limit reached on requests per minute \(RPM\): limit 2\./)
    })
  })
})
