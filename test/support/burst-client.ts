import { Agent, request } from 'node:http'

/** What one call of a burst ended with: an answer, or the socket error that ended it (ECONNRESET, …). */
export interface BurstResult {
  requestId: string
  status?: number
  connection?: string
  body?: string
  error?: string
}

export interface BurstCall {
  /** Resolves once the whole request has been handed to the socket (written, maybe not yet read). */
  written: Promise<void>
  result: Promise<BurstResult>
}

/** A keep-alive agent that keeps enough sockets for a whole burst on one gateway. */
export function keepAliveAgent(maxSockets = 64): Agent {
  return new Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets, scheduling: 'fifo' })
}

/**
 * POSTs a chat call through node:http (not fetch) so that a reset is seen as the socket error it is and the
 * `Connection` header of the answer is visible.
 */
export function postChatCall(agent: Agent, baseUrl: string, key: string, requestId: string, body: unknown): BurstCall {
  let markWritten!: () => void
  const written = new Promise<void>((resolve) => { markWritten = resolve })
  const result = new Promise<BurstResult>((resolve) => {
    const payload = JSON.stringify(body)
    const req = request(`${baseUrl}/v1/chat/completions`, {
      method: 'POST',
      agent,
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload), 'x-request-id': requestId },
    }, (res) => {
      let text = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => { text += chunk })
      res.on('end', () => resolve({ requestId, status: res.statusCode, connection: res.headers.connection, body: text }))
      res.on('error', (err: NodeJS.ErrnoException) => resolve({ requestId, status: res.statusCode, error: err.code ?? err.message }))
    })
    req.on('finish', markWritten)
    req.on('error', (err: NodeJS.ErrnoException) => {
      markWritten()
      resolve({ requestId, error: err.code ?? err.message })
    })
    req.end(payload)
  })
  return { written, result }
}
