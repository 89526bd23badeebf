import { describe, expect, inject, it } from 'vitest'
import { call, createKey, usageRows } from './worker-harness.js'

interface Probe { requests: number; aborted: number; finished: number }

/** What the mock upstream saw of the calls made for `user`, polled a bounded number of times until `done`. */
async function probe(user: string, done: (seen: Probe) => boolean): Promise<Probe> {
  let seen: Probe = { requests: 0, aborted: 0, finished: 0 }
  for (let i = 0; i < 200 && !done(seen); i++) {
    if (i > 0) await new Promise((resolve) => setTimeout(resolve, 25))
    seen = (await (await fetch(`${inject('mockUpstreamUrl')}/probe/${encodeURIComponent(user)}`)).json()) as Probe
  }
  return seen
}

describe('a client that goes away on Workers (compatibility flag enable_request_signal)', () => {
  it('aborts the upstream stream: the mock sees its connection closed before the end', async () => {
    const { key } = await createKey('abort')
    const controller = new AbortController()
    const res = await call('/v1/chat/completions', {
      method: 'POST', key, signal: controller.signal, headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'openai/slow-stream', stream: true, user: 'wk-abort-1', messages: [{ role: 'user', content: 'Hello' }] }),
    })
    expect(res.status).toBe(200)
    const reader = res.body!.getReader()
    const first = await reader.read()
    expect(new TextDecoder().decode(first.value)).toMatch(/^data: \{/)
    controller.abort()
    await reader.cancel().catch(() => undefined)

    const seen = await probe('wk-abort-1', (s) => s.aborted + s.finished > 0)
    expect(seen).toEqual({ requests: 1, aborted: 1, finished: 0 })
  })

  it('aborts the upstream call while it waits for the first byte (only request.signal can tell the gateway)', async () => {
    const { key } = await createKey('abort-early')
    const controller = new AbortController()
    const pending = call('/v1/chat/completions', {
      method: 'POST', key, signal: controller.signal, headers: { 'content-type': 'application/json', 'x-request-id': 'wk-abort-2' },
      body: JSON.stringify({ model: 'openai/slow-start', user: 'wk-abort-2', messages: [{ role: 'user', content: 'Hello' }] }),
    }).then((res) => res.status, (err: unknown) => (err instanceof Error ? err.name : 'rejected'))
    expect(await probe('wk-abort-2', (s) => s.requests > 0)).toMatchObject({ requests: 1 })
    controller.abort()
    expect(await pending).toBe('AbortError')

    const seen = await probe('wk-abort-2', (s) => s.aborted + s.finished > 0)
    expect(seen).toEqual({ requests: 1, aborted: 1, finished: 0 })
    // The gateway saw the abort itself (the signal fired), so it metered the attempt as aborted.
    expect(await usageRows('wk-abort-2', 100)).toEqual([expect.objectContaining({ outcome: 'aborted' })])
  })
})
