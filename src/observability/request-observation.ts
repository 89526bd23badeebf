import type { Principal } from '../app-env.js'
import type { UsageRow } from '../metering/usage-recorder.js'
import type { SpanContext } from './tracing/trace-context.js'
import type { RequestSpanContext } from './tracing/tracer.js'

export const SURFACES = ['chat', 'embeddings', 'prompt', 'job', 'ws', 'messages', 'responses', 'admin', 'other'] as const
export type Surface = (typeof SURFACES)[number]

/** One upstream attempt of a client request, as its usage row reported it. */
export interface AttemptSummary {
  target: string
  provider: string
  attempt: number
  status: number
  outcome: string
  error: string | null
}

/** An upstream attempt's CLIENT span while it runs: what the response told about itself so far. */
export interface AttemptSpan {
  context: SpanContext
  startMs: number
  provider: string
  providerType: string
  target: string
  upstreamModel: string
  operation: 'chat' | 'embeddings'
  responseModel?: string
  responseId?: string
  finishReasons: Set<string>
}

/**
 * What the gateway learns about one client request while it runs: filled from the usage rows of its
 * attempts (targets, statuses, tokens, cost, time to first token) and read when its response ends.
 */
export class RequestObservation {
  surface: Surface
  /** True for a replayed job or WebSocket call: its surface stays `job` or `ws` whatever route it takes. */
  surfaceFixed = false
  route: string | undefined
  /** What a call refused before any attempt asked for (client text, for the log line only, never a label). */
  requestedModel: string | undefined
  routeProvider: string | undefined
  readonly attempts: AttemptSummary[] = []
  inputTokens = 0
  outputTokens = 0
  costPicoUsd = 0n
  /** False once an answered attempt had no price: the cost is then unknown, not zero. */
  costKnown = true
  firstTokenAt: number | null = null
  readonly attemptSpans = new Map<number, AttemptSpan>()
  /** Set once the caller is known (auth runs after the observation starts; see setPrincipal). */
  principal: Principal | undefined

  constructor(
    readonly requestId: string,
    readonly method: string,
    readonly path: string,
    readonly startedAt: number,
    surface: Surface,
    readonly span?: RequestSpanContext,
  ) {
    this.surface = surface
  }

  addRow(row: UsageRow): void {
    this.attempts.push({ target: row.model ?? 'unknown', provider: row.provider ?? 'unknown', attempt: row.attempt ?? 1, status: row.status, outcome: row.outcome, error: row.errorType ?? null })
    this.route ??= row.route ?? undefined
    this.routeProvider ??= row.provider ?? undefined
    this.inputTokens += row.promptTokens ?? 0
    this.outputTokens += row.completionTokens ?? 0
    if (row.costPicoUsd === null || row.costPicoUsd === undefined) {
      if (row.outcome === 'success') this.costKnown = false
    } else {
      this.costPicoUsd += BigInt(row.costPicoUsd)
    }
    if (row.ttftMs !== null && row.ttftMs !== undefined) {
      const firstToken = row.createdAt - row.latencyMs + row.ttftMs
      if (this.firstTokenAt === null || firstToken < this.firstTokenAt) this.firstTokenAt = firstToken
    }
  }
}

/**
 * The requests in flight, by request id. A client may reuse a request id, so an attempt is matched on the
 * id and the key together: two keys sending the same id never see each other's attempts. A response whose
 * body nobody reads or cancels never ends, so the registry holds at most `limit` ids, forgetting the oldest.
 */
export class RequestRegistry {
  /** One observation per id, as a rule; an array only while a client reuses an id across calls in flight. */
  private readonly open = new Map<string, RequestObservation | RequestObservation[]>()

  constructor(private readonly limit = 50_000) {}

  add(observation: RequestObservation): void {
    if (this.open.size >= this.limit) this.open.delete(this.open.keys().next().value!)
    const held = this.open.get(observation.requestId)
    if (held === undefined) this.open.set(observation.requestId, observation)
    else if (Array.isArray(held)) held.push(observation)
    else this.open.set(observation.requestId, [held, observation])
  }

  remove(observation: RequestObservation): void {
    const held = this.open.get(observation.requestId)
    if (held === observation) {
      this.open.delete(observation.requestId)
    } else if (Array.isArray(held)) {
      const rest = held.filter((o) => o !== observation)
      if (rest.length === 0) this.open.delete(observation.requestId)
      else this.open.set(observation.requestId, rest.length === 1 ? rest[0]! : rest)
    }
  }

  find(requestId: string, keyId: string | null): RequestObservation | undefined {
    const held = this.open.get(requestId)
    if (held === undefined) return undefined
    if (!Array.isArray(held)) return (held.principal?.keyId ?? null) === keyId ? held : undefined
    return held.find((o) => (o.principal?.keyId ?? null) === keyId)
  }

  get size(): number {
    return this.open.size
  }
}

const SURFACE_BY_PATH: Array<[RegExp, Surface]> = [
  [/^\/v1\/chat\/completions$/, 'chat'],
  [/^\/v1\/embeddings$/, 'embeddings'],
  [/^\/v1\/prompts(\/|$)/, 'prompt'],
  [/^\/v1\/jobs(\/|$)/, 'job'],
  [/^\/v1\/ws$/, 'ws'],
  [/^\/v1\/messages(\/|$)/, 'messages'],
  [/^\/v1\/responses(\/|$)/, 'responses'],
  [/^\/admin(\/|$)/, 'admin'],
]

/** The surface a path belongs to, unless the call is known to be a job's or a WebSocket's. */
export function surfaceOf(path: string, fixed: 'job' | 'ws' | undefined): Surface {
  if (fixed) return fixed
  for (const [pattern, surface] of SURFACE_BY_PATH) if (pattern.test(path)) return surface
  return 'other'
}
