import {
  assertModelAllowed, assertPromptAllowed, attemptsPaidAtAdmission, type Admission, type AdmissionRequest, type AdmissionTicket,
} from '../routing/admission.js'
import { costPicoUsd, zeroTokens } from './cost.js'
import { estimateCallTokens, estimatePromptTokens } from './estimate-tokens.js'
import type { KeyLimits } from './key-limits.js'
import type { PriceTable } from './prices.js'

export interface KeyAdmissionOptions {
  limits: KeyLimits
  prices: PriceTable
}

const unlimited: AdmissionTicket = { headers: {}, beforeAttempt: () => undefined, release() {} }

/**
 * Output tokens a call is assumed to produce when it sets no max_tokens and the model's output limit is
 * unknown (a model without a listed limit); a price table entry with `max_output_tokens` replaces it.
 */
export const DEFAULT_WORST_CASE_OUTPUT_TOKENS = 16_384

/**
 * The most one upstream attempt of the call can cost: the prompt estimate at the input price plus
 * max_completion_tokens or max_tokens (else the model's output limit) for each of its `n` choices at the
 * output price, at the dearest target (a target without a price adds nothing).
 */
export function worstCaseAttemptCost(prices: PriceTable, request: AdmissionRequest): number {
  const { body } = request
  const promptTokens = estimatePromptTokens(body)
  const asked = body.max_completion_tokens ?? body.max_tokens ?? undefined
  let dearest = 0
  for (const target of request.route.targets) {
    const price = prices.lookup(target.providerName, target.upstreamModel)
    const output = asked ?? price?.maxOutputTokens ?? DEFAULT_WORST_CASE_OUTPUT_TOKENS
    const tokens = { ...zeroTokens, promptTokens, completionTokens: output * (body.n ?? 1) }
    dearest = Math.max(dearest, costPicoUsd(price, tokens) ?? 0)
  }
  return dearest
}

/**
 * The admission the gateway runs before every call: scopes, then the key's limits (budget, rpm, tpm,
 * max_parallel) in one acquire. The admin key has no budget or limits.
 *
 * Every upstream attempt counts: a fan-out route pays one request (and one token estimate) per target at
 * admission, and each further attempt (a retry, a fallback) is charged before it starts; a key out of
 * requests, tokens or budget stops the route there with the 429.
 *
 * Budget: each attempt holds its worst-case cost (worstCaseAttemptCost) until the call ends and its real
 * cost is recorded; a call is admitted only when its hold fits beside the key's spend and every other
 * hold. So the spend never exceeds the budget by concurrency; it can only exceed it by what the prompt
 * estimate (four characters a token) undercounts.
 */
export function keyAdmission(options: KeyAdmissionOptions): Admission {
  const { limits, prices } = options
  return {
    async admit(request) {
      const { principal } = request
      assertModelAllowed(principal, request.requested, request.route)
      assertPromptAllowed(principal, request.prompt)
      if (principal.kind === 'admin') return unlimited
      const key = principal.key
      const attempts = attemptsPaidAtAdmission(request.route)
      const grant = await limits.acquire({
        key,
        requestId: request.requestId,
        attempts,
        tokensPerAttempt: key.tpm === null ? 0 : estimateCallTokens(request.body),
        costPerAttempt: key.budgetPicoUsd === null ? 0 : worstCaseAttemptCost(prices, request),
      })
      return {
        headers: grant.headers,
        beforeAttempt: (attempt) => (attempt <= attempts ? undefined : grant.chargeAttempt()),
        release: () => grant.release(),
      }
    },
    keyChanged: (row) => limits.keyChanged(row),
  }
}
