import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

/** What the mock saw of one request: enough to assert translation, overlap and aborts. */
export interface ReceivedRequest {
  method: string
  path: string
  headers: Record<string, string | string[] | undefined>
  body: unknown
  rawBody: string
  /** performance.now() when the request arrived, when its response ended, and when the client hung up early. */
  arrivedAt: number
  finishedAt?: number
  abortedAt?: number
}

export interface MockReply {
  status?: number
  headers?: Record<string, string>
  /** A JSON body (serialized as is) … */
  json?: unknown
  /** … or raw text … */
  text?: string
  /** … or SSE frames written one by one, each a complete frame such as `data: {...}\n\n`. */
  sse?: string[]
  /** … or raw bytes sent as they are with their length (a gzip bomb, with `content-encoding` in headers) … */
  raw?: Uint8Array
  /** … or chunks written one by one without a declared length, as the client reads them (an endless body). */
  chunks?: () => AsyncIterable<string | Uint8Array>
  /** Delay before the status line is sent. */
  delayMs?: number
  /** Delay between SSE frames. */
  frameDelayMs?: number
  /** Awaited before SSE frame `index` is written: lets a test pace the stream by what its client has seen. */
  beforeFrame?: (index: number) => Promise<void> | void
  /** Destroy the socket after this many SSE frames (a mid-stream failure). */
  failAfterFrames?: number
  /** Never answer (a hang, for timeouts). */
  hang?: boolean
}

export type MockHandler = (req: ReceivedRequest) => MockReply | Promise<MockReply>

export interface MockUpstream {
  url: string
  requests: ReceivedRequest[]
  /** Replaces the handler (per test). */
  setHandler(handler: MockHandler): void
  close(): Promise<void>
}

/** OpenAI-style SSE frames from `*.chunks.txt` lines (one JSON payload a line), ending with [DONE]. */
export function sseFromChunkLines(text: string, options: { done?: boolean; eventFromType?: boolean } = {}): string[] {
  const frames = text.split('\n').filter((line) => line.trim() !== '').map((line) => {
    if (options.eventFromType) {
      const type = (JSON.parse(line) as { type: string }).type
      return `event: ${type}\ndata: ${line}\n\n`
    }
    return `data: ${line}\n\n`
  })
  if (options.done ?? true) frames.push('data: [DONE]\n\n')
  return frames
}

/** Waits until `res` can take more, or is gone; whichever comes first removes the other's listener. */
function drainedOrClosed(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done)
      res.off('close', done)
      resolve()
    }
    res.once('drain', done).once('close', done)
  })
}

/** Splits a raw recorded SSE body into frames, keeping its own separators (\n\n or \r\n\r\n). */
export function sseFromRaw(raw: string): string[] {
  const separator = raw.includes('\r\n\r\n') ? '\r\n\r\n' : '\n\n'
  return raw.split(separator).filter((frame) => frame.trim() !== '').map((frame) => frame + separator)
}

/** A JSON body of about `bytes` bytes (one long string), produced as it is read: an oversize answer. */
export async function* oversizeJson(bytes: number, chunkBytes = 64 * 1024): AsyncGenerator<string> {
  yield '{"id":"chatcmpl-big","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":"'
  const filler = 'a'.repeat(chunkBytes)
  for (let sent = 0; sent < bytes; sent += chunkBytes) yield filler
  yield '"},"finish_reason":"stop"}]}'
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}

/** A loopback HTTP server that answers as the test says and records every request it received. */
export async function startMockUpstream(handler: MockHandler = () => ({ status: 500, json: { error: { message: 'no handler' } } })): Promise<MockUpstream> {
  let current = handler
  const requests: ReceivedRequest[] = []

  async function respond(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const arrivedAt = performance.now()
    const rawBody = await readBody(req)
    let body: unknown = rawBody
    try {
      body = rawBody ? JSON.parse(rawBody) : undefined
    } catch {
      // not JSON: keep the text
    }
    const url = new URL(req.url ?? '/', 'http://127.0.0.1')
    const received: ReceivedRequest = { method: req.method ?? 'GET', path: url.pathname + url.search, headers: req.headers, body, rawBody, arrivedAt }
    requests.push(received)
    res.on('close', () => {
      if (!res.writableFinished) received.abortedAt = performance.now()
      else received.finishedAt = performance.now()
    })

    const reply = await current(received)
    if (reply.hang) return
    if (reply.delayMs) await sleep(reply.delayMs)
    if (res.destroyed) return
    const status = reply.status ?? 200
    if (reply.sse) {
      res.writeHead(status, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', ...reply.headers })
      res.flushHeaders()
      let sent = 0
      for (const frame of reply.sse) {
        if (reply.beforeFrame) await reply.beforeFrame(sent)
        if (res.destroyed) return
        if (reply.failAfterFrames !== undefined && sent >= reply.failAfterFrames) {
          res.destroy()
          return
        }
        res.write(frame)
        sent++
        if (reply.frameDelayMs) await sleep(reply.frameDelayMs)
      }
      res.end()
      return
    }
    if (reply.raw) {
      res.writeHead(status, { 'content-type': 'application/json', 'content-length': String(reply.raw.byteLength), ...reply.headers })
      res.end(reply.raw)
      return
    }
    if (reply.chunks) {
      res.writeHead(status, { 'content-type': 'application/json', ...reply.headers })
      for await (const chunk of reply.chunks()) {
        if (res.destroyed) return
        if (!res.write(chunk)) await drainedOrClosed(res)
      }
      res.end()
      return
    }
    const text = reply.json !== undefined ? JSON.stringify(reply.json) : reply.text ?? ''
    res.writeHead(status, { 'content-type': reply.json !== undefined ? 'application/json' : 'text/plain', ...reply.headers })
    res.end(text)
  }

  const server: Server = createServer((req, res) => {
    respond(req, res).catch((err: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ error: { message: String(err) } }))
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    setHandler(next) {
      current = next
    },
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections()
      server.close(() => resolve())
    }),
  }
}
