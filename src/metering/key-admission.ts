import type { Clock } from '../clock.js'
import { GatewayError } from '../errors.js'
import {
  assertModelAllowed, assertPromptAllowed, attemptsPaidAtAdmission, type Admission, type AdmissionRequest, type AdmissionTicket,
} from '../routing/admission.js'
import type { ApiKeyRow } from '../store/keys-repo.js'
import { periodWindow } from './budget-period.js'
import { costPicoUsd, zeroTokens } from './cost.js'
import { estimateCallTokens, estimatePromptTokens, requestedOutputTokens } from './estimate-tokens.js'
import type { PriceTable } from './prices.js'
import type { RateLimiter, RateTicket } from './rate-limiter.js'
import type { SpendLedger } from './spend-ledger.js'
import { formatDollars } from './usd.js'

export interface KeyAdmissionOptions {
  ledger: SpendLedger
  limiter: RateLimiter
  clock: Clock
  prices: PriceTable
}

const unlimited: AdmissionTicket = { headers: {}, beforeAttempt: () => undefined, release() {} }

function overBudget(key: ApiKeyRow, budget: number, spent: number, held: number, now: number): GatewayError {
  const period = key.budgetPeriod ?? 'total'
  const { resetsAt } = periodWindow(period, now)
  const when = resetsAt === null
    ? 'A total budget does not reset; raise it with PATCH /admin/keys/{id}.'
    : `The budget resets at ${new Date(resetsAt).toISOString()}.`
  const inFlight = held > 0 ? `, and ${formatDollars(held)} is held by calls in flight` : ''
  return new GatewayError(429,
    `This API key has used its ${period} budget of ${formatDollars(budget)} (spent ${formatDollars(spent)}${inFlight}). ${when}`,
    { type: 'insufficient_quota', code: 'insufficient_quota' })
}

/**
 * What one upstream attempt of the call is held against the budget while it runs: the prompt estimate and
 * the output the call asked for, at the dearest target's price (a target without a price adds nothing).
 */
function attemptCostEstimate(prices: PriceTable, request: AdmissionRequest): number {
  const tokens = { ...zeroTokens, promptTokens: estimatePromptTokens(request.body), completionTokens: requestedOutputTokens(request.body) }
  let dearest = 0
  for (const target of request.route.targets) {
    dearest = Math.max(dearest, costPicoUsd(prices.lookup(target.providerName, target.upstreamModel), tokens) ?? 0)
  }
  return dearest
}

/**
 * The admission the gateway runs before every call: scopes, then the key's budget for its current
 * period, then its rate limits. The admin key has no budget or limits.
 *
 * Every upstream attempt counts: a fan-out route pays one request (and one token estimate) per target at
 * admission, and each further attempt (a retry, a fallback) is charged before it starts; a key out of
 * requests, tokens or budget stops the route there with the 429.
 *
 * Budget: a call is admitted while the key's recorded spend plus what its calls in flight hold is under
 * the budget; each admitted call holds an estimate (prompt plus asked-for output, at the dearest target's
 * price) until it ends and its real cost is recorded. The overshoot is bounded by the last admitted call's
 * cost plus what calls in flight spend beyond their estimate (a call without max_tokens holds its prompt only).
 */
export function keyAdmission(options: KeyAdmissionOptions): Admission {
  const { ledger, limiter, prices, clock } = options

  async function assertUnderBudget(key: ApiKeyRow, budget: number, ownHold: number): Promise<void> {
    const spent = await ledger.spend(key.id, key.budgetPeriod ?? 'total')
    const heldByOthers = ledger.held(key.id) - ownHold
    if (spent + heldByOthers >= budget) throw overBudget(key, budget, spent, heldByOthers, clock.now())
  }

  return {
    async admit(request) {
      const { principal } = request
      assertModelAllowed(principal, request.requested, request.route)
      assertPromptAllowed(principal, request.prompt)
      if (principal.kind === 'admin') return unlimited
      const key = principal.key
      const budget = key.budgetPicoUsd
      const paid = attemptsPaidAtAdmission(request.route)

      if (budget !== null) await assertUnderBudget(key, budget, 0)
      const attemptTokens = key.tpm === null ? 0 : estimateCallTokens(request.body)
      const limited = key.rpm !== null || key.tpm !== null || key.maxParallel !== null
      const rate: RateTicket | undefined = limited ? limiter.acquire(key, attemptTokens * paid, request.requestId, paid) : undefined
      const hold = budget === null ? 0 : attemptCostEstimate(prices, request) * paid
      const releaseHold = budget === null ? undefined : ledger.hold(key.id, hold)
      if (!rate && !releaseHold) return unlimited

      const chargeAttempt = async () => {
        if (budget !== null) await assertUnderBudget(key, budget, hold)
        rate?.chargeAttempt(attemptTokens)
      }
      return {
        headers: rate?.headers ?? {},
        beforeAttempt: (attempt) => (attempt <= paid ? undefined : chargeAttempt()),
        release() {
          rate?.release()
          releaseHold?.()
        },
      }
    },
  }
}
