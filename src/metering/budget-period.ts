/** Budget periods are calendar periods in UTC; `total` never resets. */
export type BudgetPeriod = 'daily' | 'weekly' | 'monthly' | 'total'

export const budgetPeriods = ['daily', 'weekly', 'monthly', 'total'] as const satisfies readonly BudgetPeriod[]

export interface PeriodWindow {
  /** First millisecond of the period (0 for `total`). */
  start: number
  /** First millisecond of the next period; null when the period never ends. */
  resetsAt: number | null
}

const DAY_MS = 86_400_000

/**
 * The period that contains `now`: a UTC day, an ISO week (Monday 00:00 UTC to the next Monday), a UTC
 * calendar month, or all time.
 */
export function periodWindow(period: BudgetPeriod, now: number): PeriodWindow {
  const date = new Date(now)
  const y = date.getUTCFullYear()
  const m = date.getUTCMonth()
  const d = date.getUTCDate()
  switch (period) {
    case 'daily': {
      const start = Date.UTC(y, m, d)
      return { start, resetsAt: start + DAY_MS }
    }
    case 'weekly': {
      const sinceMonday = (date.getUTCDay() + 6) % 7
      const start = Date.UTC(y, m, d - sinceMonday)
      return { start, resetsAt: start + 7 * DAY_MS }
    }
    case 'monthly':
      return { start: Date.UTC(y, m, 1), resetsAt: Date.UTC(y, m + 1, 1) }
    case 'total':
      return { start: 0, resetsAt: null }
  }
}
