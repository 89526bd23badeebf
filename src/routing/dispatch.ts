import type { ChatCompletionCreateParams } from 'openai/resources'
import type { ChatCompletion, ChatCompletionChunk } from '../../providers/index.js'
import { ProviderError } from '../../providers/index.js'
import type { AppDeps } from '../deps.js'
import { GatewayError, toGatewayError } from '../errors.js'
import { formatUsd } from '../metering/cost.js'
import type { CallMeta } from './call-meta.js'
import { resolveRoute } from './resolve.js'
import { createRun, totalCostPicoUsd, type RouteRun } from './run.js'
import { runAllStream } from './strategies/all-stream.js'
import { runAllJson } from './strategies/all.js'
import { runFallback } from './strategies/fallback.js'
import { runLoadbalance } from './strategies/loadbalance.js'
import { runRace } from './strategies/race.js'
import type { StrategyResult } from './strategies/result.js'

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

function runStrategy(run: RouteRun): Promise<StrategyResult> {
  switch (run.route.strategy) {
    case 'all':
      return run.body.stream ? runAllStream(run) : runAllJson(run)
    case 'race':
      return runRace(run)
    case 'loadbalance':
      return runLoadbalance(run)
    case 'single':
    case 'fallback':
      return runFallback(run)
  }
}

export function routingHeaders(run: RouteRun): Record<string, string> {
  return { 'x-manifold-route': run.route.name, 'x-manifold-attempts': String(run.attempts) }
}

/** A failed call still says which route it took and how many attempts it made. */
export function withRoutingHeaders(err: unknown, run: RouteRun): unknown {
  if (!(err instanceof GatewayError || err instanceof ProviderError)) return err
  const mapped = toGatewayError(err)
  return new GatewayError(mapped.status, mapped.message, {
    type: mapped.type, code: mapped.code, param: mapped.param, headers: { ...mapped.headers, ...routingHeaders(run) },
  })
}

/**
 * One chat call from any surface (HTTP, jobs, WebSocket, prompt APIs): resolve the model to a route, admit
 * the call (scopes, budgets, limits), run the route's strategy, and hand back either a whole completion or
 * the client's stream of chunks, with the x-manifold-* headers.
 */
export async function dispatchChat(deps: AppDeps, body: ChatCompletionCreateParams, meta: CallMeta): Promise<ChatResult> {
  const route = resolveRoute(deps, body.model, meta.routeHeader)
  const ticket = await deps.admission.admit({ principal: meta.principal, requested: body.model, route, body, prompt: meta.prompt, requestId: meta.requestId })
  const run = createRun(deps, route, body, { ...meta, droppedParams: new Set() }, ticket)
  let result: StrategyResult
  try {
    result = await runStrategy(run)
  } catch (err) {
    ticket.release()
    throw withRoutingHeaders(err, run)
  }
  const headers = routingHeaders(run)
  headers['x-manifold-target'] = result.targets
  Object.assign(headers, ticket.headers)
  if (run.meta.droppedParams?.size) headers['x-manifold-dropped-params'] = [...run.meta.droppedParams].join(',')
  if (result.kind === 'json') {
    ticket.release()
    const cost = totalCostPicoUsd(run)
    headers['x-manifold-latency-ms'] = String(deps.clock.now() - run.startedAt)
    headers['x-manifold-cost-usd'] = formatUsd(cost)
    return { kind: 'json', body: result.body, headers, costPicoUsd: cost }
  }
  // The stream releases the ticket itself when it ends, however it ends (even before its first chunk).
  return { kind: 'stream', headers, chunks: result.chunks }
}
