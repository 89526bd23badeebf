import type { Clock } from '../clock.js'
import type { ApiKeyRow } from '../store/keys-repo.js'
import { fitsBudget, overBudget } from './budget-refusal.js'
import type { KeyLimits, LimitGrant, LimitRequest } from './key-limits.js'
import type { RateLimiter } from './rate-limiter.js'
import type { SpendLedger } from './spend-ledger.js'

const unlimited: LimitGrant = { headers: {}, chargeAttempt: async () => undefined, release() {} }

/**
 * The key limits of one process (Node): rate limits in the RateLimiter, spend in the SpendLedger. Each
 * check and its reservation run in one synchronous step after the spend is read, so two calls admitted at
 * the same moment are checked against each other's holds.
 */
export class LocalKeyLimits implements KeyLimits {
  constructor(private readonly ledger: SpendLedger, private readonly limiter: RateLimiter, private readonly clock: Clock) {}

  async acquire(request: LimitRequest): Promise<LimitGrant> {
    const { key, attempts, tokensPerAttempt, costPerAttempt } = request
    const budget = key.budgetPicoUsd
    const spent = budget === null ? 0 : await this.ledger.spend(key.id, key.budgetPeriod ?? 'total')
    // From here to the hold nothing awaits: the check and the reservation are one step.
    const hold = costPerAttempt * attempts
    if (budget !== null) this.assertFits(key, budget, spent, hold)
    const limited = key.rpm !== null || key.tpm !== null || key.maxParallel !== null
    const rate = limited ? this.limiter.acquire(key, tokensPerAttempt * attempts, request.requestId, attempts) : undefined
    const releases = budget === null ? [] : [this.ledger.hold(key.id, hold)]
    if (!rate && releases.length === 0) return unlimited

    return {
      headers: rate?.headers ?? {},
      chargeAttempt: async () => {
        if (budget !== null) {
          const now = await this.ledger.spend(key.id, key.budgetPeriod ?? 'total')
          this.assertFits(key, budget, now, costPerAttempt)
        }
        rate?.chargeAttempt(tokensPerAttempt)
        if (budget !== null) releases.push(this.ledger.hold(key.id, costPerAttempt))
      },
      release() {
        rate?.release()
        for (const release of releases) release()
      },
    }
  }

  /** In process, the key cache's invalidation is all a change needs: the next call reads the new row. */
  async keyChanged(_row: ApiKeyRow): Promise<void> {}

  private assertFits(key: ApiKeyRow, budget: number, spent: number, wanted: number): void {
    const held = this.ledger.held(key.id)
    if (!fitsBudget(budget, spent, held, wanted)) throw overBudget(key, spent, held, wanted, this.clock.now())
  }
}
