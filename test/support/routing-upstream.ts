import type { MockHandler, MockReply, ReceivedRequest } from './mock-upstream.js'

/** How one upstream model behaves for one request (the mock tells targets apart by the body's model). */
export interface TargetBehaviour {
  /** The answer's text (default `answer from MODEL`). */
  text?: string
  status?: number
  /** Response headers, e.g. retry-after. */
  headers?: Record<string, string>
  /** Delay before the status line. */
  delayMs?: number
  /** Delay between SSE frames. */
  frameDelayMs?: number
  /** Cut the connection after this many SSE frames. */
  failAfterFrames?: number
  /** Never answer. */
  hang?: boolean
  /** Wait for this promise before answering (to hold a target until the test has seen something). */
  until?: Promise<unknown>
  /** Answer only once requests for all these models have arrived (proves the calls overlap). */
  afterArrivalOf?: string[]
  usage?: { prompt_tokens: number; completion_tokens: number }
}

const defaultUsage = { prompt_tokens: 10, completion_tokens: 5 }

function usageOf(b: TargetBehaviour) {
  const u = b.usage ?? defaultUsage
  return { ...u, total_tokens: u.prompt_tokens + u.completion_tokens }
}

export function completionFor(model: string, b: TargetBehaviour = {}) {
  return {
    id: `chatcmpl-${model}`,
    object: 'chat.completion',
    created: 1_750_000_000,
    model,
    choices: [{ index: 0, message: { role: 'assistant', content: b.text ?? `answer from ${model}`, refusal: null }, finish_reason: 'stop', logprobs: null }],
    usage: usageOf(b),
  }
}

/** OpenAI SSE frames: a role chunk, one chunk per word, a finish chunk, the usage chunk, [DONE]. */
export function streamFramesFor(model: string, b: TargetBehaviour = {}): string[] {
  const base = { id: `chatcmpl-${model}`, object: 'chat.completion.chunk', created: 1_750_000_000, model }
  const frame = (payload: unknown) => `data: ${JSON.stringify(payload)}\n\n`
  const words = (b.text ?? `answer from ${model}`).split(/(?<= )/)
  return [
    frame({ ...base, choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null, logprobs: null }] }),
    ...words.map((w) => frame({ ...base, choices: [{ index: 0, delta: { content: w }, finish_reason: null, logprobs: null }] })),
    frame({ ...base, choices: [{ index: 0, delta: {}, finish_reason: 'stop', logprobs: null }] }),
    frame({ ...base, choices: [], usage: usageOf(b) }),
    'data: [DONE]\n\n',
  ]
}

function errorReply(b: TargetBehaviour): MockReply {
  return { status: b.status, headers: b.headers, delayMs: b.delayMs, json: { error: { message: `upstream says ${b.status}`, type: 'server_error', code: null, param: null } } }
}

/**
 * A mock handler answering per model: `behaviours.alpha` for requests whose body names `alpha`. A list
 * is played in order, one entry per request, the last one repeating.
 */
export function perModel(behaviours: Record<string, TargetBehaviour | TargetBehaviour[]>): MockHandler {
  const seen = new Map<string, number>()
  const arrivals = new Map<string, { promise: Promise<void>; open: () => void }>()
  const arrivalOf = (model: string) => {
    let g = arrivals.get(model)
    if (!g) arrivals.set(model, g = gate())
    return g
  }
  return async (req: ReceivedRequest): Promise<MockReply> => {
    const body = req.body as { model: string; stream?: boolean }
    arrivalOf(body.model).open()
    const entry = behaviours[body.model]
    if (!entry) return { status: 404, json: { error: { message: `no model ${body.model}`, type: 'invalid_request_error', code: 'model_not_found', param: null } } }
    const count = seen.get(body.model) ?? 0
    seen.set(body.model, count + 1)
    const b = Array.isArray(entry) ? entry[Math.min(count, entry.length - 1)]! : entry
    if (b.afterArrivalOf) await Promise.all(b.afterArrivalOf.map((m) => arrivalOf(m).promise))
    if (b.until) await b.until
    if (b.hang) return { hang: true }
    if (b.status && b.status >= 400) return errorReply(b)
    if (body.stream) {
      return { sse: streamFramesFor(body.model, b), delayMs: b.delayMs, frameDelayMs: b.frameDelayMs, failAfterFrames: b.failAfterFrames, headers: b.headers }
    }
    return { json: completionFor(body.model, b), delayMs: b.delayMs, headers: b.headers }
  }
}

/** The requests the mock saw for one model, in arrival order. */
export function requestsFor(requests: ReceivedRequest[], model: string): ReceivedRequest[] {
  return requests.filter((r) => (r.body as { model?: string } | undefined)?.model === model)
}

/** A promise and its resolver, to hold a mock answer until the test lets it go. */
export function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void
  const promise = new Promise<void>((resolve) => { open = resolve })
  return { promise, open }
}
