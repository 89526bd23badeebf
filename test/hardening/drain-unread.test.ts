import type { AddressInfo } from 'node:net'
import { Server as HttpServer } from 'node:http'
import { serve } from '@hono/node-server'
import { Hono } from 'hono'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { drainableServer, type DrainingServer } from '../../src/node.js'
import { keepAliveAgent, postChatCall, type BurstCall } from '../support/burst-client.js'
import { eventually } from '../support/eventually.js'
import { gate } from '../support/routing-upstream.js'

/**
 * The drain itself, in one process so the order is exact: requests are written to warm keep-alive sockets and
 * the drain starts in the same tick, before the server's event loop has read a byte of them.
 */
describe('drain of requests written but not yet read (issue 11, item 8)', () => {
  let held = gate()
  const arrived: string[] = []
  let server: HttpServer
  let drainable: DrainingServer
  let url: string

  beforeAll(async () => {
    const app = new Hono()
    app.post('/v1/chat/completions', async (c) => {
      arrived.push(c.req.header('x-request-id') ?? '')
      await held.promise
      return c.json({ object: 'chat.completion', id: c.req.header('x-request-id') })
    })
    const served = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 })
    if (!(served instanceof HttpServer)) throw new Error('expected an HTTP/1.1 server')
    server = served
    drainable = drainableServer(server)
    await new Promise<void>((resolve) => server.once('listening', () => resolve()))
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  })
  afterAll(() => {
    held.open()
    server.closeAllConnections()
  })

  it('answers them all with Connection: close, closes the idle sockets, and refuses new connections', async () => {
    const agent = keepAliveAgent()
    held.open()
    const warm = await Promise.all(Array.from({ length: 12 }, (_, i) => postChatCall(agent, url, 'k', `warm-${i}`, {}).result))
    expect(warm.map((r) => r.connection)).toEqual(Array(12).fill('keep-alive'))
    const warmArrivals = arrived.length

    held = gate()
    const calls: BurstCall[] = Array.from({ length: 8 }, (_, i) => postChatCall(agent, url, 'k', `unread-${i}`, {}))
    await Promise.all(calls.map((c) => c.written))
    // No event-loop turn has passed since the writes: the server has not read any of these requests.
    expect(arrived.length).toBe(warmArrivals)
    const drained = drainable.drain(5_000)

    const late = await postChatCall(keepAliveAgent(), url, 'k', 'late', {}).result
    expect(late.error).toBe('ECONNREFUSED')
    held.open()
    const results = await Promise.all(calls.map((c) => c.result))
    await drained
    expect(results).toEqual(calls.map((_, i) => ({
      requestId: `unread-${i}`, status: 200, connection: 'close', body: JSON.stringify({ object: 'chat.completion', id: `unread-${i}` }),
    })))
    // The drain ended only when every connection had: the four sockets nobody used were closed by the server.
    await eventually(() => Object.values(agent.freeSockets).flat().length === 0, 'the agent to see its idle sockets closed')
  })
})
