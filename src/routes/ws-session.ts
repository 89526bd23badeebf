import type { AppDeps } from '../deps.js'
import { GatewayError, invalidRequest, toGatewayError, type OpenAIErrorBody } from '../errors.js'
import { principalForJob, type AppCall } from '../jobs/run-job.js'
import { jsonDepthExceeds, MAX_JSON_DEPTH } from '../openai/read-json.js'
import { INTERNAL_PRINCIPAL } from '../middleware/auth.js'
import type { Principal } from '../app-env.js'
import { plainDecimalJson } from '../metering/plain-decimal-json.js'

/**
 * One WebSocket connection's calls. Each request frame becomes an in-process call to the app (the same
 * middleware, routing, limits and metering as HTTP), streamed back as frames tagged with the request's id;
 * several run at once, and each can be canceled on its own.
 */

export interface WsSessionOptions {
  deps: AppDeps
  call: AppCall
  principal: Principal
  send: (text: string) => void
  /** Calls one socket may have in flight. */
  maxInFlight?: number
}

type Usage = Record<string, unknown>
type ErrorDetail = OpenAIErrorBody['error']

interface ParsedFrame {
  id: string
  type: string
  raw: Record<string, unknown>
}

const canceledError: ErrorDetail = { message: 'The request was canceled.', type: 'invalid_request_error', param: null, code: 'request_canceled' }

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** Adds token counts (and cost) of every usage report: a fan-out route streams one per target. */
function addUsage(total: Usage, usage: Usage): Usage {
  const sum: Usage = { ...total }
  for (const [name, value] of Object.entries(usage)) {
    if (typeof value === 'number') sum[name] = (typeof sum[name] === 'number' ? (sum[name] as number) : 0) + value
  }
  return sum
}

/**
 * A frame's `route` as the x-manifold-route header it becomes. A header value cannot hold control
 * characters (CR, LF, NUL…) or non-ASCII: such a route is the client's mistake, an `invalid_frame`, not a failure of ours.
 */
function routeHeaderValue(route: unknown): string {
  const value = typeof route === 'string' ? route : JSON.stringify(route)
  if (typeof value !== 'string' || /[^\x20-\x7e]/.test(value)) {
    throw invalidRequest('The frame\'s "route" must be a route object, or its JSON text, without control characters (such as CR or LF) or non-ASCII characters.', 'route', 'invalid_frame')
  }
  return value
}

export class WsSession {
  private readonly inFlight = new Map<string, AbortController>()
  private readonly runs = new Set<Promise<void>>()
  private closed = false

  constructor(private readonly options: WsSessionOptions) {}

  /** Handles one text frame; never throws (a bad frame is an error frame for its id, the socket stays up). */
  receive(data: unknown): void {
    let frame: ParsedFrame
    try {
      frame = this.parse(data)
    } catch (err) {
      const id = this.idOf(data)
      this.sendError(id, toGatewayError(err).toJSON().error)
      return
    }
    if (frame.type === 'cancel') {
      const controller = this.inFlight.get(frame.id)
      if (!controller) this.sendError(frame.id, { message: `No request with id '${frame.id}' is in flight.`, type: 'invalid_request_error', param: 'id', code: 'unknown_request_id' })
      else controller.abort()
      return
    }
    if (this.inFlight.has(frame.id)) {
      this.sendError(frame.id, { message: `A request with id '${frame.id}' is already in flight.`, type: 'invalid_request_error', param: 'id', code: 'duplicate_request_id' })
      return
    }
    if (this.inFlight.size >= (this.options.maxInFlight ?? 32)) {
      this.sendError(frame.id, { message: 'Too many requests in flight on this socket.', type: 'rate_limit_error', param: null, code: 'too_many_in_flight' })
      return
    }
    let request: Request
    const controller = new AbortController()
    try {
      request = this.toRequest(frame, controller.signal)
    } catch (err) {
      this.sendError(frame.id, toGatewayError(err).toJSON().error)
      return
    }
    this.inFlight.set(frame.id, controller)
    const run: Promise<void> = this.run(frame.id, request, frame, controller.signal).finally(() => {
      this.inFlight.delete(frame.id)
      this.runs.delete(run)
    })
    this.runs.add(run)
  }

  /** The socket closed: every call still running is aborted; resolves when they have all ended (their usage recorded). */
  close(): Promise<void> {
    this.closed = true
    for (const controller of this.inFlight.values()) controller.abort()
    return Promise.allSettled([...this.runs]).then(() => undefined)
  }

  private idOf(data: unknown): string | null {
    try {
      const parsed: unknown = typeof data === 'string' ? JSON.parse(data) : undefined
      return isRecord(parsed) && typeof parsed.id === 'string' ? parsed.id : null
    } catch {
      return null
    }
  }

  private parse(data: unknown): ParsedFrame {
    if (typeof data !== 'string') throw invalidRequest('Frames are JSON text, not binary.', null, 'invalid_frame')
    if (jsonDepthExceeds(data, MAX_JSON_DEPTH)) throw invalidRequest(`The frame nests objects and arrays more than ${MAX_JSON_DEPTH} levels deep.`, null, 'invalid_frame')
    let parsed: unknown
    try {
      parsed = JSON.parse(data)
    } catch {
      throw invalidRequest('The frame is not valid JSON.', null, 'invalid_frame')
    }
    if (!isRecord(parsed)) throw invalidRequest('A frame is a JSON object {"id", "type", …}.', null, 'invalid_frame')
    if (typeof parsed.id !== 'string' || parsed.id === '') throw invalidRequest('The frame has no "id" (a non-empty string).', 'id', 'invalid_frame')
    if (typeof parsed.type !== 'string') throw invalidRequest('The frame has no "type".', 'type', 'invalid_frame')
    return { id: parsed.id, type: parsed.type, raw: parsed }
  }

  /** A request frame as the HTTP call it stands for. */
  private toRequest(frame: ParsedFrame, signal: AbortSignal): Request {
    const { raw } = frame
    const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'text/event-stream' }
    if (frame.type === 'chat.completions.create') {
      if (!isRecord(raw.body)) throw invalidRequest('chat.completions.create needs "body": the chat request object.', 'body', 'invalid_frame')
      if (raw.route !== undefined) headers['x-manifold-route'] = routeHeaderValue(raw.route)
      // A WebSocket call always streams, and asks for usage so the final frame can report it.
      const streamOptions = isRecord(raw.body.stream_options) ? raw.body.stream_options : {}
      const body = { ...raw.body, stream: true, stream_options: { ...streamOptions, include_usage: true } }
      return new Request('http://internal/v1/chat/completions', { method: 'POST', headers, body: JSON.stringify(body), signal })
    }
    if (frame.type === 'prompts.call') {
      if (typeof raw.name !== 'string' || raw.name === '') throw invalidRequest('prompts.call needs "name".', 'name', 'invalid_frame')
      const input = raw.input ?? raw.body ?? {}
      let path = `/v1/prompts/${encodeURIComponent(raw.name)}`
      if (raw.version !== undefined) path += `/versions/${encodeURIComponent(String(raw.version))}`
      return new Request(`http://internal${path}`, { method: 'POST', headers, body: JSON.stringify(input), signal })
    }
    throw invalidRequest(`Unknown frame type '${frame.type}': use chat.completions.create, prompts.call or cancel.`, 'type', 'invalid_frame')
  }

  private send(frame: Record<string, unknown>): void {
    if (this.closed) return
    try {
      this.options.send(plainDecimalJson(frame))
    } catch {
      // The socket went away between two frames; close() aborts the rest.
    }
  }

  private sendError(id: string | null, error: ErrorDetail): void {
    this.send({ id, type: 'error', error })
  }

  private async run(id: string, request: Request, frame: ParsedFrame, signal: AbortSignal): Promise<void> {
    try {
      // Checked per call, not only at the upgrade: a key revoked while the socket is open stops working.
      const principal = await principalForJob(this.options.deps, this.options.principal.keyId)
      const response = await this.options.call(request, { [INTERNAL_PRINCIPAL]: principal })
      if (signal.aborted) {
        await response.body?.cancel().catch(() => undefined)
        this.sendError(id, canceledError)
        return
      }
      if (response.status !== 200) {
        const body: unknown = await response.json().catch(() => undefined)
        const error = isRecord(body) && isRecord(body.error) ? body.error as ErrorDetail : { message: `HTTP ${response.status}`, type: 'server_error', param: null, code: null }
        this.sendError(id, error)
        return
      }
      const wantsUsage = isRecord(frame.raw.body) && isRecord(frame.raw.body.stream_options) && frame.raw.body.stream_options.include_usage === true
      if (/event-stream/.test(response.headers.get('content-type') ?? '')) await this.relayStream(id, response, wantsUsage, signal)
      else await this.relayJson(id, response)
    } catch (err) {
      if (signal.aborted) this.sendError(id, canceledError)
      else this.sendError(id, toGatewayError(err).toJSON().error)
    }
  }

  private async relayJson(id: string, response: Response): Promise<void> {
    const body: unknown = await response.json()
    this.send({ id, type: 'chunk', data: body })
    const usage = isRecord(body) && isRecord(body.usage) ? body.usage as Usage : null
    const cost = isRecord(body) && typeof body.cost_usd === 'number' ? body.cost_usd : Number(response.headers.get('x-manifold-cost-usd') ?? NaN)
    this.send({ id, type: 'done', usage, cost_usd: Number.isFinite(cost) ? cost : null })
  }

  /** Relays OpenAI-style SSE (`data: {…}` frames, `[DONE]`) as chunk frames; usage and cost add up into the done frame. */
  private async relayStream(id: string, response: Response, wantsUsage: boolean, signal: AbortSignal): Promise<void> {
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader()
    const onAbort = () => void reader.cancel().catch(() => undefined)
    signal.addEventListener('abort', onAbort, { once: true })
    let usage: Usage | null = null
    let cost: number | null = null
    let buffer = ''
    try {
      for (;;) {
        const { value, done } = await reader.read()
        if (signal.aborted) throw new GatewayError(499, 'canceled')
        if (done) break
        buffer += value
        let cut = buffer.indexOf('\n\n')
        while (cut >= 0) {
          const event = buffer.slice(0, cut)
          buffer = buffer.slice(cut + 2)
          cut = buffer.indexOf('\n\n')
          const data = event.split('\n').filter((line) => line.startsWith('data:')).map((line) => line.slice(5).trimStart()).join('\n')
          if (data === '' || data === '[DONE]') continue
          const payload: unknown = JSON.parse(data)
          if (isRecord(payload) && isRecord(payload.error) && !('choices' in payload)) {
            this.sendError(id, payload.error as ErrorDetail)
            return
          }
          if (!isRecord(payload)) continue
          if (isRecord(payload.usage)) {
            const reported = payload.usage as Usage
            const { cost_usd: usageCost, ...tokens } = reported
            usage = usage === null ? tokens : addUsage(usage, tokens)
            const itemCost = typeof payload.cost_usd === 'number' ? payload.cost_usd : typeof usageCost === 'number' ? usageCost : null
            if (itemCost !== null) cost = (cost ?? 0) + itemCost
          }
          const usageOnly = Array.isArray(payload.choices) && payload.choices.length === 0 && isRecord(payload.usage)
          if (usageOnly && !wantsUsage) continue
          this.send({ id, type: 'chunk', data: payload })
        }
      }
    } finally {
      signal.removeEventListener('abort', onAbort)
    }
    this.send({ id, type: 'done', usage, cost_usd: cost === null ? null : Math.round(cost * 1e12) / 1e12 })
  }
}
