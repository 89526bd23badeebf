import { redirectRefused, responseTooLarge } from './transport-errors.js'
import { bodyStream, responseOverStream, statusTextOf } from './whole-body.js'
import type { FetchFn } from './types.js'

export interface UpstreamLimits {
  /** The most a non-streaming answer may be, counted after decompression. */
  maxResponseBytes: number
  /** The most one SSE event (all its lines) may be, so a line that never ends cannot grow memory. */
  maxEventBytes: number
}

/**
 * 32 MiB holds a 128k-token completion many times over and a float-encoded embeddings batch of about a
 * thousand 1,536-dimension vectors; it matches the default request body limit. No single stream event
 * (one delta) comes near 8 MiB.
 */
export const DEFAULT_UPSTREAM_LIMITS: UpstreamLimits = { maxResponseBytes: 32 * 1024 * 1024, maxEventBytes: 8 * 1024 * 1024 }

const NEWLINE = 10
const CARRIAGE_RETURN = 13

function isEventStream(headers: Headers): boolean {
  return (headers.get('content-type') ?? '').split(';', 1)[0]!.trim().toLowerCase() === 'text/event-stream'
}

/** A check of one piece of a body as it passes: the error that ends the body, or undefined to pass it on. */
type PieceCheck = (piece: Uint8Array) => Error | undefined

/** Counts every byte that passes (after any decompression) and fails the body past `limit`. */
function totalCap(limit: number, tooLarge: () => Error): PieceCheck {
  let seen = 0
  return (piece) => {
    seen += piece.byteLength
    return seen > limit ? tooLarge() : undefined
  }
}

/** Counts the bytes of the current SSE event (reset at each blank line) and fails the stream past `limit`. */
function eventCap(limit: number, tooLarge: () => Error): PieceCheck {
  let eventBytes = 0
  let lineBytes = 0
  let lastByte = -1
  return (piece) => {
    let start = 0
    while (start < piece.length) {
      const newline = piece.indexOf(NEWLINE, start)
      const end = newline === -1 ? piece.length : newline
      if (end > start) {
        lineBytes += end - start
        eventBytes += end - start
        lastByte = piece[end - 1]!
      }
      if (eventBytes > limit) return tooLarge()
      if (newline === -1) break
      const blankLine = lineBytes === 0 || (lineBytes === 1 && lastByte === CARRIAGE_RETURN)
      eventBytes = blankLine ? 0 : eventBytes + 1
      lineBytes = 0
      start = newline + 1
    }
    return undefined
  }
}

/**
 * `body` with every piece checked as the consumer reads it: a pull source (nothing read ahead, no pipe
 * machinery per piece, which a TransformStream costs), and a failed check cancels the download.
 */
function checkedBody(body: ReadableStream<Uint8Array>, check: PieceCheck): ReadableStream<Uint8Array> {
  const reader = body.getReader()
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const step = await reader.read()
      if (step.done) {
        controller.close()
        return
      }
      const failure = check(step.value)
      if (!failure) {
        controller.enqueue(step.value)
        return
      }
      controller.error(failure)
      await reader.cancel(failure).catch(() => undefined)
    },
    cancel(reason) {
      return reader.cancel(reason)
    },
  }, { highWaterMark: 0 })
}

/**
 * The fetch every provider's SDK calls through: redirects are never followed (a 3xx is an error, the
 * target gets nothing), a non-streaming answer is cut off once it passes its cap while it is read (never
 * buffered whole first), and each SSE event is capped. Bytes are counted as the SDK reads them, after the
 * runtime's decompression, so a compression bomb stops at the cap.
 */
export function guardUpstreamFetch(inner: FetchFn, provider: string, limits: UpstreamLimits): FetchFn {
  const tooLargeAnswer = () => responseTooLarge(provider, limits.maxResponseBytes, 'answer')
  const tooLargeEvent = () => responseTooLarge(provider, limits.maxEventBytes, 'stream event')

  async function guardedFetch(input: string | URL | Request, init?: RequestInit): Promise<Response> {
    const response = await inner(input, { ...init, redirect: 'manual' })
    if (response.status >= 300 && response.status < 400 && response.status !== 304) {
      await bodyStream(response)?.cancel().catch(() => undefined)
      throw redirectRefused(provider, response.status)
    }
    // The headers decide first: on Node, asking a Response for its body builds a web stream for it, which a
    // JSON answer read whole (src/node-fetch.ts) never needs.
    const { headers } = response
    let cap: PieceCheck
    if (isEventStream(headers)) {
      cap = eventCap(limits.maxEventBytes, tooLargeEvent)
    } else {
      const declared = Number(headers.get('content-length') ?? Number.NaN)
      const encoded = headers.has('content-encoding')
      if (!encoded && declared > limits.maxResponseBytes) {
        await bodyStream(response)?.cancel().catch(() => undefined)
        throw tooLargeAnswer()
      }
      // A plain body of a known, acceptable length cannot grow past it: no counting needed.
      if (!encoded && Number.isFinite(declared)) return response
      cap = totalCap(limits.maxResponseBytes, tooLargeAnswer)
    }
    const body = bodyStream(response)
    if (!body) return response
    return responseOverStream(checkedBody(body, cap), { status: response.status, statusText: statusTextOf(response), headers })
  }

  return guardedFetch as FetchFn
}
