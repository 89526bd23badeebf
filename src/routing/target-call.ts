import { ProviderError } from '../../providers/index.js'
import type { CallerSignal } from './caller-signal.js'
import { attemptJson, attemptStream, type AttemptContext, type AttemptReport, type ForClient, type JsonAttempt, type StreamAttempt } from './attempt.js'
import type { Target } from './resolve.js'
import { retryDelayMs, type RetryPolicy } from './retry.js'
import type { RouteRun } from './run.js'
import { firstByteTimeout, linkAbort, requestTimeout, startTimer } from './timeouts.js'
import { toProviderError } from './provider-error.js'

/** What one target's calls came to, across its retries (for the `all` summary). */
export interface TargetTally {
  attempts: number
  /** The report of the target's last attempt. */
  last?: AttemptReport
}

interface Armed {
  ctx: AttemptContext
  /** Switches from the first-byte timer to the request's own deadline once a stream was accepted. */
  streaming(): void
}

/**
 * Starts one attempt: its own abort controller (linked to `parent`: the client, or a race lane) and one
 * timer, the first-byte timeout or whatever is left of the request's, whichever ends first. The timer and
 * the link are released when the attempt's report is recorded.
 */
function arm(run: RouteRun, target: Target, parent: CallerSignal, tally?: TargetTally): Armed {
  const { clock } = run.deps
  const controller = new AbortController()
  const unlink = linkAbort(parent, controller)
  const firstByteMs = target.timeoutMs ?? run.settings.first_byte_timeout_ms
  const overall = () => controller.abort(requestTimeout(target.providerName, run.timeoutMs))
  const msLeft = run.deadline - clock.now()
  let cancelTimer = msLeft <= firstByteMs
    ? startTimer(clock, msLeft, overall)
    : startTimer(clock, firstByteMs, () => controller.abort(firstByteTimeout(target.providerName, target.model, firstByteMs)))
  if (tally) tally.attempts++
  const ctx: AttemptContext = {
    deps: run.deps, meta: run.meta, route: run.route, attempt: ++run.attempts, signal: controller.signal,
    onEnd(report) {
      cancelTimer()
      unlink()
      run.reports.push(report)
      if (tally) tally.last = report
      if (report.error) run.deps.targets.recordFailure(target.model, report.error)
    },
  }
  return {
    ctx,
    streaming() {
      cancelTimer()
      cancelTimer = startTimer(clock, run.deadline - clock.now(), overall)
    },
  }
}

/** Charges the next upstream attempt of the call to its admission (awaited only when there is work). */
export function chargeAttempt(run: RouteRun): Promise<void> | undefined {
  return run.ticket.beforeAttempt(++run.charged)
}

function policyFor(run: RouteRun, target: Target): RetryPolicy {
  return {
    retries: target.retries ?? run.settings.retries,
    retryOnStatus: run.retryOnStatus,
    maxDelayMs: run.settings.max_retry_delay_ms,
    random: run.deps.random,
  }
}

/**
 * Calls one target, retrying it as its policy allows (backoff with full jitter, or the upstream's
 * Retry-After up to the cap), and throws the last ProviderError when it gives up. Only failures before
 * output are retried: a stream is returned as soon as the upstream accepted it.
 */
async function withRetries<T>(run: RouteRun, target: Target, parent: CallerSignal, once: (armed: Armed) => Promise<T>, tally?: TargetTally): Promise<T> {
  const policy = policyFor(run, target)
  let lastError: ProviderError | undefined
  // An SDK still importing is not the upstream being slow: no attempt timer runs until it is loaded.
  const { ready } = target.entry.provider
  if (ready) await ready().catch(() => undefined)
  for (let retry = 0; retry <= policy.retries; retry++) {
    // Outside the try: a key out of requests, tokens or budget stops the route with its 429, untried.
    const charging = chargeAttempt(run)
    if (charging) await charging
    try {
      return await once(arm(run, target, parent, tally))
    } catch (err) {
      lastError = err instanceof ProviderError ? err : toProviderError(target.providerName, err, parent)
      if (parent.aborted) throw lastError
      const delay = retryDelayMs(lastError, retry, policy, run.deadline - run.deps.clock.now())
      if (delay === undefined) throw lastError
      try {
        await run.deps.clock.sleep(delay, parent)
      } catch (reason) {
        throw toProviderError(target.providerName, reason, parent)
      }
    }
  }
  throw lastError!
}

export function callTargetJson(run: RouteRun, target: Target, parent: CallerSignal, tally?: TargetTally): Promise<JsonAttempt> {
  return withRetries(run, target, parent, ({ ctx }) => attemptJson(ctx, target, run.body), tally)
}

/** `forClient`: the stream goes straight to the client (one target at a time), see attemptStream. */
export function callTargetStream(run: RouteRun, target: Target, parent: CallerSignal, tally?: TargetTally, forClient?: ForClient): Promise<StreamAttempt> {
  return withRetries(run, target, parent, async (armed) => {
    const attempt = await attemptStream(armed.ctx, target, run.body, forClient)
    armed.streaming()
    return attempt
  }, tally)
}
