import { GatewayError } from '../errors.js'
import type { ApiKeyRow } from '../store/keys-repo.js'
import { periodWindow } from './budget-period.js'
import { formatDollars } from './usd.js'

/**
 * A call whose worst-case cost does not fit in what is left of the key's budget (spend plus what calls
 * in flight hold): 429 insufficient_quota.
 */
export function overBudget(key: ApiKeyRow, spent: number, held: number, wanted: number, now: number): GatewayError {
  const budget = key.budgetPicoUsd ?? 0
  const period = key.budgetPeriod ?? 'total'
  const { resetsAt } = periodWindow(period, now)
  const when = resetsAt === null
    ? 'A total budget does not reset; raise it with PATCH /admin/keys/{id}.'
    : `The budget resets at ${new Date(resetsAt).toISOString()}.`
  const inFlight = held > 0 ? `, and ${formatDollars(held)} is held by calls in flight` : ''
  const left = Math.max(0, budget - spent - held)
  const reason = spent + held >= budget
    ? `This API key has used its ${period} budget of ${formatDollars(budget)} (spent ${formatDollars(spent)}${inFlight}).`
    : `This call may cost up to ${formatDollars(wanted)} (prompt estimate plus max_tokens, or the model's output limit, for every choice) and this API key has ${formatDollars(left)} left of its ${period} budget of ${formatDollars(budget)} (spent ${formatDollars(spent)}${inFlight}). Lower max_tokens or n.`
  return new GatewayError(429, `${reason} ${when}`, { type: 'insufficient_quota', code: 'insufficient_quota' })
}

/** The budget rule both runtimes apply: a call fits when its worst case fits beside the spend and the holds. */
export function fitsBudget(budget: number, spent: number, held: number, wanted: number): boolean {
  return spent + held < budget && spent + held + wanted <= budget
}
