import type { AddressInfo } from 'node:net'
import { Server as HttpServer } from 'node:http'
import { serve } from '@hono/node-server'
import { Hono } from 'hono'
import { afterAll, describe, expect, it } from 'vitest'
import { drainableServer, type DrainingServer } from '../../src/node.js'
import { keepAliveAgent, postChatCall, type BurstCall } from '../support/burst-client.js'
import { eventually } from '../support/eventually.js'
import { gate } from '../support/routing-upstream.js'

interface HeldServer { server: HttpServer; drainable: DrainingServer; url: string; arrived: string[]; hold(): void; release(): void }

/** A hono app on @hono/node-server whose chat route answers only when released, behind the production drain. */
async function startHeldServer(): Promise<HeldServer> {
  let held = gate()
  const arrived: string[] = []
  const app = new Hono()
  app.post('/v1/chat/completions', async (c) => {
    arrived.push(c.req.header('x-request-id') ?? '')
    await held.promise
    return c.json({ object: 'chat.completion', id: c.req.header('x-request-id') })
  })
  const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 })
  if (!(server instanceof HttpServer)) throw new Error('expected an HTTP/1.1 server')
  const drainable = drainableServer(server)
  await new Promise<void>((resolve) => server.once('listening', () => resolve()))
  return {
    server, drainable, arrived,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    hold: () => { held = gate() },
    release: () => held.open(),
  }
}

/**
 * The drain itself, in one process so the order is exact: requests are written to warm keep-alive sockets and
 * the drain starts in the same tick, before the server's event loop has read a byte of them.
 */
describe('drain of requests written but not yet read (issue 11, item 8)', () => {
  const started: HeldServer[] = []
  const start = async () => {
    const held = await startHeldServer()
    started.push(held)
    return held
  }
  afterAll(() => {
    for (const { server, release } of started) {
      release()
      server.closeAllConnections()
    }
  })

  it('answers them all with Connection: close, closes the idle sockets, and refuses new connections', async () => {
    const { drainable, url, arrived, hold, release } = await start()
    const agent = keepAliveAgent()
    release()
    const warm = await Promise.all(Array.from({ length: 12 }, (_, i) => postChatCall(agent, url, 'k', `warm-${i}`, {}).result))
    expect(warm.map((r) => r.connection)).toEqual(Array(12).fill('keep-alive'))
    const warmArrivals = arrived.length

    hold()
    const calls: BurstCall[] = Array.from({ length: 8 }, (_, i) => postChatCall(agent, url, 'k', `unread-${i}`, {}))
    await Promise.all(calls.map((c) => c.written))
    // No event-loop turn has passed since the writes: the server has not read any of these requests.
    expect(arrived.length).toBe(warmArrivals)
    const drained = drainable.drain(5_000)

    const late = await postChatCall(keepAliveAgent(), url, 'k', 'late', {}).result
    expect(late.error).toBe('ECONNREFUSED')
    release()
    const results = await Promise.all(calls.map((c) => c.result))
    await drained
    expect(results).toEqual(calls.map((_, i) => ({
      requestId: `unread-${i}`, status: 200, connection: 'close', body: JSON.stringify({ object: 'chat.completion', id: `unread-${i}` }),
    })))
    // The drain ended only when every connection had: the four sockets nobody used were closed by the server.
    await eventually(() => Object.values(agent.freeSockets).flat().length === 0, 'the agent to see its idle sockets closed')
  })
  it('is bounded: a call that outlives the drain timeout is cut, and the drain still ends', async () => {
    const { drainable, url, arrived, hold } = await start()
    hold()
    const stuck = postChatCall(keepAliveAgent(), url, 'k', 'stuck', {})
    await eventually(() => arrived.includes('stuck'), 'the stuck call to arrive')
    await drainable.drain(50)
    expect((await stuck.result).error).toMatch(/ECONNRESET|socket hang up/)
  })
})
