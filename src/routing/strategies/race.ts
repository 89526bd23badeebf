import { ProviderError, type ChatCompletionChunk } from '../../../providers/index.js'
import { hasOutput, type JsonAttempt, type StreamAttempt } from '../attempt.js'
import { clientStream } from '../client-stream.js'
import type { Target } from '../resolve.js'
import { coolingDown, routeFailed, type TargetFailure } from '../route-errors.js'
import { healthyTargets, type RouteRun } from '../run.js'
import { callTargetJson, callTargetStream } from '../target-call.js'
import { linkAbort } from '../timeouts.js'
import { toProviderError } from '../provider-error.js'
import { forClient } from './in-order.js'
import type { StrategyResult } from './result.js'

/** One contender: its own abort controller, so that losing aborts it and nothing else. */
interface Lane {
  target: Target
  controller: AbortController
  unlink: () => void
}

/** A stream read up to its first piece of output (or its end): what it sent so far, and the rest. */
interface Primed {
  head: ChatCompletionChunk[]
  rest: AsyncIterator<ChatCompletionChunk>
}

function lostTo(loser: Target, winner: Target): ProviderError {
  return new ProviderError({
    provider: loser.providerName, status: 499, code: 'aborted', retryable: false,
    message: `${loser.model} lost the race to ${winner.model}`,
  })
}

/** Reads a stream until the first chunk with output, so that a contender wins by answering, not by connecting. */
async function prime(attempt: StreamAttempt): Promise<Primed> {
  const rest = attempt.chunks[Symbol.asyncIterator]()
  const head: ChatCompletionChunk[] = []
  // Bounded by the upstream's stream: one chunk a turn, and it ends.
  for (;;) {
    const step = await rest.next()
    if (step.done) return { head, rest }
    head.push(step.value)
    if (hasOutput(step.value)) return { head, rest }
  }
}

/** The primed chunks, then the rest of the stream; return() closes the upstream. */
function resume(primed: Primed): AsyncIterableIterator<ChatCompletionChunk> {
  let i = 0
  return {
    [Symbol.asyncIterator]() {
      return this
    },
    next() {
      if (i < primed.head.length) return Promise.resolve({ done: false, value: primed.head[i++]! })
      return primed.rest.next()
    },
    async return() {
      i = primed.head.length
      await primed.rest.return?.()
      return { done: true, value: undefined }
    },
  }
}

/**
 * `race`: every target at once; the first to answer (whole response, or first content chunk of a stream)
 * wins and every other upstream request is aborted at once (its connection closed, its attempt metered as
 * aborted). The call fails only when every target failed.
 */
export async function runRace(run: RouteRun): Promise<StrategyResult> {
  const { live, skipped } = healthyTargets(run, run.route.targets)
  const lanes: Lane[] = live.map((target) => {
    const controller = new AbortController()
    return { target, controller, unlink: linkAbort(run.meta.signal, controller) }
  })
  const contend = <T>(work: (lane: Lane) => Promise<T>) => lanes.map(async (lane) => ({ lane, value: await work(lane) }))
  const release = (primed: Primed) => void primed.rest.return?.()

  if (!run.body.stream) {
    const contenders = contend((lane) => callTargetJson(run, lane.target, lane.controller.signal))
    const { lane, value } = await decide<JsonAttempt>(run, lanes, contenders, skipped, () => {})
    lane.unlink()
    return { kind: 'json', body: value.completion, targets: lane.target.model }
  }

  const contenders = contend(async (lane) => prime(await callTargetStream(run, lane.target, lane.controller.signal)))
  const { lane, value } = await decide(run, lanes, contenders, skipped, release)
  const shaping = forClient(run, lane.target, lane.unlink)
  const chunks = clientStream(resume(value), shaping, shaping.onEnd)
  return { kind: 'stream', chunks, targets: lane.target.model }
}

/**
 * Waits for the first contender to succeed and aborts the others; a loser that had already answered too
 * is released (`release`). Throws the route's failure when none succeeded.
 */
async function decide<T>(run: RouteRun, lanes: Lane[], contenders: Promise<{ lane: Lane; value: T }>[], skipped: Target[], release: (value: T) => void): Promise<{ lane: Lane; value: T }> {
  let winner: { lane: Lane; value: T }
  try {
    winner = await Promise.any(contenders)
  } catch {
    const failures: TargetFailure[] = await Promise.all(contenders.map((c, i) => c.then(
      () => { throw new Error('unreachable: every contender failed') },
      (err: unknown) => ({ target: lanes[i]!.target, error: err instanceof ProviderError ? err : toProviderError(lanes[i]!.target.providerName, err, lanes[i]!.controller.signal) }),
    )))
    for (const lane of lanes) lane.unlink()
    for (const target of skipped) failures.push({ target, error: coolingDown(target, run.deps.targets.cooldownUntil(target.model)) })
    throw routeFailed(failures)
  }
  contenders.forEach((contender, i) => {
    const lane = lanes[i]!
    if (lane === winner.lane) return
    lane.controller.abort(lostTo(lane.target, winner.lane.target))
    lane.unlink()
    contender.then(({ value }) => release(value), () => {})
  })
  return winner
}
