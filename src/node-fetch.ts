import { Readable } from 'node:stream'
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib'
import { Agent, request, type Dispatcher } from 'undici'
import { responseOverStream, responseReadWhole } from '../providers/whole-body.js'

export interface NodeFetch {
  fetch: typeof fetch
  /** Closes the pooled upstream connections (shutdown). */
  close(): Promise<void>
}

const NULL_BODY = new Set([204, 205, 304])

/** Above this a JSON answer streams like any other body, so the provider edge can cap it as it arrives. */
const WHOLE_JSON_MAX_BYTES = 1024 * 1024

/**
 * A small JSON answer of declared length is read whole (one buffer, no web stream); SSE, NDJSON, large or
 * unsized bodies stream as they arrive.
 */
function isWholeJson(contentType: string | null, contentLength: string | null): boolean {
  if (!contentType || contentLength === null) return false
  const length = Number(contentLength)
  if (!Number.isInteger(length) || length > WHOLE_JSON_MAX_BYTES) return false
  const type = contentType.split(';', 1)[0]!.trim().toLowerCase()
  return type === 'application/json' || type.endsWith('+json')
}

function decoderFor(encoding: string | null) {
  switch (encoding?.trim().toLowerCase()) {
    case 'gzip': case 'x-gzip': return createGunzip()
    case 'deflate': return createInflate()
    case 'br': return createBrotliDecompress()
    default: return undefined
  }
}

function isPlainBody(body: RequestInit['body']): boolean {
  return body === undefined || body === null || typeof body === 'string' || body instanceof Uint8Array
}

/** HeadersInit → what undici accepts: a Headers object or a record pass as they are; pairs become a record. */
function requestHeaders(headers: RequestInit['headers']): Dispatcher.RequestOptions['headers'] {
  if (headers === undefined) return undefined
  if (Array.isArray(headers)) {
    const record: Record<string, string> = {}
    for (const [name, value] of headers) if (name !== undefined && value !== undefined) record[name] = value
    return record
  }
  return headers as Dispatcher.RequestOptions['headers']
}

function responseHeaders(raw: Dispatcher.ResponseData['headers']): Headers {
  const headers = new Headers()
  for (const name in raw) {
    const value = raw[name]
    if (value === undefined) continue
    if (Array.isArray(value)) for (const v of value) headers.append(name, v)
    else headers.append(name, value)
  }
  return headers
}

/**
 * The HTTP client the provider SDKs use on Node: undici's request API over one keep-alive Agent, behind
 * fetch's signature. The global fetch implements the whole Fetch standard on every call (request objects,
 * web streams both ways, header guards); a gateway needs method, headers, body, signal and the answer, and
 * this path costs several times less CPU per call (see BENCHMARKS.md). A small JSON answer is read whole; SSE and
 * anything else streams as it arrives. Anything unusual (a Request object, a FormData or stream body) goes to
 * the global fetch, which handles every case. Redirects are never followed, on either path: a 3xx is handed
 * back as it is (the provider edge refuses it), so an upstream cannot send the call, or its key, elsewhere.
 */
export function createNodeFetch(options: { keepAliveTimeoutMs?: number } = {}): NodeFetch {
  const agent = new Agent({
    keepAliveTimeout: options.keepAliveTimeoutMs ?? 30_000,
    // The gateway's router and the SDKs own the timeouts (first byte, whole request) through the signal.
    headersTimeout: 0,
    bodyTimeout: 0,
  })
  const dispatcher = agent
  const fallback = globalThis.fetch.bind(globalThis)

  async function nodeFetch(input: string | URL | Request, init?: RequestInit): Promise<Response> {
    if (input instanceof Request || !isPlainBody(init?.body)) return fallback(input, { ...init, redirect: 'manual' })
    const method = init?.method?.toUpperCase() ?? 'GET'
    let res: Dispatcher.ResponseData
    try {
      res = await request(typeof input === 'string' ? input : input.href, {
        method: method as Dispatcher.HttpMethod,
        headers: requestHeaders(init?.headers),
        body: (init?.body ?? undefined) as string | Uint8Array | undefined,
        signal: init?.signal ?? undefined,
        dispatcher,
      })
    } catch (err) {
      // A header undici refuses (checked before anything is sent): the global fetch knows what to drop.
      if ((err as { code?: string }).code === 'UND_ERR_INVALID_ARG') return fallback(input, { ...init, redirect: 'manual' })
      throw err
    }
    const headers = responseHeaders(res.headers)
    // No SDK asks for compression, but an upstream may compress anyway; the body is decoded as fetch would.
    const decoder = decoderFor(headers.get('content-encoding'))
    if (decoder) {
      const decoded = res.body.pipe(decoder)
      res.body.once('error', (err) => decoded.destroy(err))
      // A reader that stops early (the edge's size cap) must stop the download too, not just the inflating.
      decoded.once('close', () => res.body.destroy())
      return responseOverStream(Readable.toWeb(decoded) as ReadableStream<Uint8Array>, { status: res.statusCode, headers })
    }
    if (NULL_BODY.has(res.statusCode) || method === 'HEAD') {
      await res.body.dump()
      return new Response(null, { status: res.statusCode, headers })
    }
    if (isWholeJson(headers.get('content-type'), headers.get('content-length'))) return responseReadWhole(await res.body.text(), { status: res.statusCode, headers })
    return responseOverStream(Readable.toWeb(res.body) as ReadableStream<Uint8Array>, { status: res.statusCode, headers })
  }

  return { fetch: nodeFetch as typeof fetch, close: () => agent.close() }
}
