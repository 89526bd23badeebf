/**
 * The metering tests' clock: budgets roll over and rate limits refill without waiting, and a sleep or timer
 * (a timeout, a retry delay) ends only when the clock is moved past it. The same clock as routing's.
 */
export { ManualClock as SteppingClock } from './routing-clock.js'
