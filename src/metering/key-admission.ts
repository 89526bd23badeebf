import type { Clock } from '../clock.js'
import { GatewayError } from '../errors.js'
import { assertModelAllowed, assertPromptAllowed, type Admission, type AdmissionTicket } from '../routing/admission.js'
import type { ApiKeyRow } from '../store/keys-repo.js'
import { periodWindow } from './budget-period.js'
import { estimateCallTokens } from './estimate-tokens.js'
import type { RateLimiter } from './rate-limiter.js'
import type { SpendLedger } from './spend-ledger.js'
import { formatDollars } from './usd.js'

export interface KeyAdmissionOptions {
  ledger: SpendLedger
  limiter: RateLimiter
  clock: Clock
}

const unlimited: AdmissionTicket = { headers: {}, release() {} }

function overBudget(key: ApiKeyRow, budget: number, spent: number, now: number): GatewayError {
  const period = key.budgetPeriod ?? 'total'
  const { resetsAt } = periodWindow(period, now)
  const when = resetsAt === null
    ? 'A total budget does not reset; raise it with PATCH /admin/keys/{id}.'
    : `The budget resets at ${new Date(resetsAt).toISOString()}.`
  return new GatewayError(429,
    `This API key has used its ${period} budget of ${formatDollars(budget)} (spent ${formatDollars(spent)}). ${when}`,
    { type: 'insufficient_quota', code: 'insufficient_quota' })
}

/**
 * The admission the gateway runs before every call: scopes, then the key's budget for its current
 * period, then its rate limits. The admin key has no budget or limits.
 *
 * Overshoot: the budget is checked against spend already recorded, so calls admitted while the key was
 * under budget still finish and are billed; a key can overshoot by at most the cost of the calls it had
 * in flight when it crossed its budget (bounded further by max_parallel when set).
 */
export function keyAdmission(options: KeyAdmissionOptions): Admission {
  return {
    async admit(request) {
      const { principal } = request
      assertModelAllowed(principal, request.requested, request.route)
      assertPromptAllowed(principal, request.prompt)
      if (principal.kind === 'admin') return unlimited
      const key = principal.key

      if (key.budgetPicoUsd !== null) {
        const spent = await options.ledger.spend(key.id, key.budgetPeriod ?? 'total')
        if (spent >= key.budgetPicoUsd) throw overBudget(key, key.budgetPicoUsd, spent, options.clock.now())
      }
      if (key.rpm === null && key.tpm === null && key.maxParallel === null) return unlimited
      const estimate = key.tpm === null ? 0 : estimateCallTokens(request.body)
      return options.limiter.acquire(key, estimate, request.requestId)
    },
  }
}
