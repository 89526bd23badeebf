import type { ChatCompletionChunk } from '../../../providers/index.js'
import { fromProviderError, type OpenAIErrorBody } from '../../errors.js'
import { picoToUsd } from '../../metering/cost.js'
import { interleave } from '../../streaming/interleave.js'
import type { StreamAttempt } from '../attempt.js'
import { summarize, sumCostPicoUsd, sumUsage, type FanoutLane } from '../fanout-summary.js'
import { routeFailed } from '../route-errors.js'
import type { RouteRun } from '../run.js'
import { callTargetStream } from '../target-call.js'
import { linkAbort } from '../timeouts.js'
import { assertOneChoicePerTarget, fanoutLanes, laneError } from './all.js'
import type { StrategyResult } from './result.js'

type FinishReason = ChatCompletionChunk.Choice['finish_reason'] | 'error'

/** A chunk choice of an `all` stream: the target's choice, at the target's index, naming the target. */
type FanoutChunkChoice = Omit<ChatCompletionChunk.Choice, 'finish_reason'> & {
  finish_reason: FinishReason
  manifold_target: string
  /** Set on the closing chunk of a choice whose target failed mid-stream (finish_reason `error`). */
  manifold_error?: OpenAIErrorBody['error']
}

/**
 * `all`, streaming. The stream starts once every target has accepted or failed (so the choice indexes are
 * dense, in target order); then the targets' chunks are passed on as they arrive, each choice at its
 * target's index. A target failing mid-stream ends its own choice with finish_reason `error` and the
 * others go on; the stream ends in an error frame only when no target finished.
 */
export async function runAllStream(run: RouteRun): Promise<StrategyResult> {
  assertOneChoicePerTarget(run)
  const lanes = fanoutLanes(run)
  const fanout = new AbortController()
  const unlink = linkAbort(run.meta.signal, fanout)
  const attempts = await Promise.all(lanes.map(async (lane) => {
    if (lane.error) return undefined
    try {
      return await callTargetStream(run, lane.target, fanout.signal, lane.tally)
    } catch (err) {
      lane.error = laneError(lane, err, fanout.signal)
      lane.endedAt = run.deps.clock.now()
      return undefined
    }
  }))
  const started: FanoutLane[] = []
  const streams: StreamAttempt[] = []
  lanes.forEach((lane, i) => {
    const attempt = attempts[i]
    if (!attempt) return
    lane.choiceIndex = started.length
    started.push(lane)
    streams.push(attempt)
  })
  if (started.length === 0) {
    unlink()
    throw routeFailed(lanes.map((lane) => ({ target: lane.target, error: lane.error! })))
  }
  let stopped = false
  const chunks = fanoutStream(run, lanes, started, streams, () => {
    if (stopped) return
    stopped = true
    unlink()
    fanout.abort()
    run.ticket.release()
  })
  return { kind: 'stream', chunks, targets: started.map((lane) => lane.target.model).join(',') }
}

function fanoutStream(run: RouteRun, lanes: FanoutLane[], started: FanoutLane[], streams: StreamAttempt[], stop: () => void): AsyncIterableIterator<ChatCompletionChunk> {
  const events = interleave(streams.map((s) => s.chunks[Symbol.asyncIterator]()))
  const includeUsage = run.body.stream_options?.include_usage === true
  const finished = new Set<FanoutLane>()
  const model = run.body.model
  let id: string | undefined
  let created = Math.floor(run.startedAt / 1000)
  let phase: 'streaming' | 'usage' | 'ended' = 'streaming'

  const frame = (choices: FanoutChunkChoice[]): ChatCompletionChunk =>
    // The choices carry manifold_target (and `error` as a finish_reason): extra to OpenAI's chunk type.
    ({ id: id ?? `chatcmpl-${run.meta.requestId}`, object: 'chat.completion.chunk', created, model, choices } as unknown as ChatCompletionChunk)

  function relay(lane: FanoutLane, chunk: ChatCompletionChunk): ChatCompletionChunk | undefined {
    if (chunk.usage) lane.usage = chunk.usage
    if (chunk.choices.length === 0) return undefined
    id ??= chunk.id
    created = chunk.created
    const choices = chunk.choices.map((choice): FanoutChunkChoice => {
      if (choice.finish_reason) finished.add(lane)
      return { ...choice, index: lane.choiceIndex! + choice.index, manifold_target: lane.target.model }
    })
    return frame(choices)
  }

  function failed(lane: FanoutLane, error: unknown): ChatCompletionChunk | undefined {
    lane.error = laneError(lane, error, run.meta.signal)
    lane.endedAt = run.deps.clock.now()
    if (finished.has(lane)) return undefined
    finished.add(lane)
    return frame([{
      index: lane.choiceIndex!, delta: {}, finish_reason: 'error', logprobs: null,
      manifold_target: lane.target.model, manifold_error: fromProviderError(lane.error).toJSON().error,
    }])
  }

  function usageChunk(): ChatCompletionChunk {
    const cost = sumCostPicoUsd(lanes)
    const usage = { ...sumUsage(started.flatMap((lane) => (lane.usage ? [lane.usage] : []))), cost_usd: cost === null ? null : picoToUsd(cost) }
    const chunk = frame([])
    return Object.assign(chunk, { usage, manifold: { targets: lanes.map(summarize), cost_usd: usage.cost_usd } })
  }

  return {
    [Symbol.asyncIterator]() {
      return this
    },
    async next(): Promise<IteratorResult<ChatCompletionChunk>> {
      // Bounded by the targets' streams: each turn consumes one of their events.
      while (phase === 'streaming') {
        const step = await events.next()
        if (step.done) {
          stop()
          if (started.every((lane) => lane.error)) {
            phase = 'ended'
            throw routeFailed(lanes.map((lane) => ({ target: lane.target, error: lane.error! })))
          }
          phase = includeUsage ? 'usage' : 'ended'
          break
        }
        const event = step.value
        const lane = started[event.lane]!
        let out: ChatCompletionChunk | undefined
        if (event.kind === 'value') out = relay(lane, event.value)
        else if (event.kind === 'error') out = failed(lane, event.error)
        else lane.endedAt = run.deps.clock.now()
        if (out) return { done: false, value: out }
      }
      if (phase === 'usage') {
        phase = 'ended'
        return { done: false, value: usageChunk() }
      }
      return { done: true, value: undefined }
    },
    async return(): Promise<IteratorResult<ChatCompletionChunk>> {
      if (phase !== 'ended') {
        phase = 'ended'
        // Closing the lanes records their rows at once; the call ends (the ticket) after them.
        const closing = events.return?.()
        stop()
        await closing
      }
      return { done: true, value: undefined }
    },
  }
}
