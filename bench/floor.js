/* global Response */
// The floor: the least a Node proxy can add on this machine. A bare Hono app on @hono/node-server that
// forwards the body to the mock with undici's request API over a keep-alive pool and hands the answer
// back (streamed as it arrives for SSE). No auth, no validation, no metering: nothing a gateway adds.
//
//   UPSTREAM=http://127.0.0.1:PORT PORT=0 node bench/floor.js
import { Readable } from 'node:stream'
import { serve } from '@hono/node-server'
import { Hono } from 'hono'
import { Pool } from 'undici'

const upstream = process.env.UPSTREAM ?? 'http://127.0.0.1:9000'
const pool = new Pool(upstream, { connections: 256, keepAliveTimeout: 60_000, pipelining: 1 })
const app = new Hono()

/** Forwards to `path` on the mock: its own chat path, or a delayed one (/d80/…) for the fan-out scenario's hop. */
const forward = (path) => async (c) => {
  const body = await c.req.arrayBuffer()
  const res = await pool.request({
    method: 'POST', path: path(c), body: Buffer.from(body), signal: c.req.raw.signal,
    headers: { 'content-type': 'application/json', authorization: c.req.header('authorization') ?? '' },
  })
  const contentType = String(res.headers['content-type'] ?? 'application/json')
  if (contentType.startsWith('text/event-stream')) {
    return new Response(Readable.toWeb(res.body), { status: res.statusCode, headers: { 'content-type': contentType, 'cache-control': 'no-cache' } })
  }
  return new Response(await res.body.arrayBuffer(), { status: res.statusCode, headers: { 'content-type': contentType } })
}
app.post('/v1/chat/completions', forward(() => '/v1/chat/completions'))
app.post('/:delay{d[0-9]+}/v1/chat/completions', forward((c) => `/${c.req.param('delay')}/v1/chat/completions`))

const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: Number(process.env.PORT ?? 0) }, (info) => {
  process.stdout.write(`${JSON.stringify({ msg: 'floor listening', url: `http://127.0.0.1:${info.port}` })}\n`)
})
process.once('SIGTERM', () => server.close(() => process.exit(0)))
