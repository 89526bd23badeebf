import type { ChatCompletionCreateParams } from 'openai/resources'
import type { ChatCompletion, ChatCompletionChunk } from '../../providers/index.js'
import type { AppDeps } from '../deps.js'
import { costPicoUsd, formatUsd } from '../metering/cost.js'
import { tokensFromUsage } from '../metering/usage-of.js'
import type { AdmissionTicket } from './admission.js'
import { attemptJson, attemptStream, type AttemptContext } from './attempt.js'
import type { CallMeta } from './call-meta.js'
import { clientStream } from './client-stream.js'
import { resolveRoute, type ResolvedRoute } from './resolve.js'

export interface ChatJsonResult {
  kind: 'json'
  body: ChatCompletion
  headers: Record<string, string>
  costPicoUsd: number | null
}

export interface ChatStreamResult {
  kind: 'stream'
  chunks: AsyncIterable<ChatCompletionChunk>
  headers: Record<string, string>
}

export type ChatResult = ChatJsonResult | ChatStreamResult

/** Releases the admission ticket once the stream has ended, however it ended. */
async function* releasing<T>(source: AsyncIterable<T>, ticket: AdmissionTicket): AsyncGenerator<T> {
  try {
    yield* source
  } finally {
    ticket.release()
  }
}

/**
 * One chat call from any surface (HTTP, jobs, WebSocket, prompt APIs): resolve the model to a route, admit
 * the call (scopes, budgets, limits), run the route's strategy, and hand back either a whole completion or
 * the client's stream of chunks.
 */
export async function dispatchChat(deps: AppDeps, body: ChatCompletionCreateParams, meta: CallMeta): Promise<ChatResult> {
  const route = resolveRoute(deps, body.model, meta.routeHeader)
  const ticket = await deps.admission.admit({ principal: meta.principal, requested: body.model, route, body, prompt: meta.prompt })
  let result: ChatResult
  try {
    result = await runSingle(deps, route, body, meta)
  } catch (err) {
    ticket.release()
    throw err
  }
  Object.assign(result.headers, ticket.headers)
  if (result.kind === 'json') {
    ticket.release()
    return result
  }
  return { ...result, chunks: releasing(result.chunks, ticket) }
}

function attemptContext(deps: AppDeps, meta: CallMeta, route: ResolvedRoute, attempt: number): AttemptContext {
  return { deps, meta, route, attempt, signal: meta.signal }
}

async function runSingle(deps: AppDeps, route: ResolvedRoute, body: ChatCompletionCreateParams, meta: CallMeta): Promise<ChatResult> {
  const target = route.targets[0]!
  const ctx = attemptContext(deps, meta, route, 1)
  const headers: Record<string, string> = {
    'x-manifold-route': route.name,
    'x-manifold-target': target.model,
    'x-manifold-attempts': '1',
  }
  if (body.stream) {
    const { chunks } = await attemptStream(ctx, target, body)
    const price = deps.prices.lookup(target.providerName, target.upstreamModel)
    const includeUsage = body.stream_options?.include_usage === true
    return { kind: 'stream', headers, chunks: clientStream(chunks, includeUsage, (usage) => costPicoUsd(price, tokensFromUsage(usage))) }
  }
  const { completion, report } = await attemptJson(ctx, target, body)
  headers['x-manifold-latency-ms'] = String(report.latencyMs)
  headers['x-manifold-cost-usd'] = formatUsd(report.costPicoUsd)
  return { kind: 'json', body: completion, headers, costPicoUsd: report.costPicoUsd }
}
