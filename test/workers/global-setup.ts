import type { TestProject } from 'vitest/node'
import { fixtureJson, fixtureText } from '../support/fixtures.js'
import { sseFromChunkLines, sseFromRaw, startMockUpstream, type MockReply } from '../support/mock-upstream.js'
import { startOtlpReceiver } from '../support/otlp-receiver.js'
import { startWorkersCallbackReceiver } from '../support/workers-callback-receiver.js'

/** The gateway's MANIFOLD_WEBHOOK_SECRET in the Workers tests; the receiver verifies with it in Node. */
const WEBHOOK_SECRET = `whsec_${Buffer.from('manifold-workers-webhook-secret!').toString('base64')}`

/**
 * A mock OpenAI on loopback, in Node, for the tests that run inside workerd: the model name picks the
 * recording it replays (workerd cannot start servers, and the tests cannot change this handler).
 */
export default async function setup(project: TestProject) {
  const upstream = await startMockUpstream((req): MockReply => {
    // What the mock saw of the calls made for `user`: the abort test asks from inside workerd.
    if (req.path.startsWith('/probe/')) {
      const user = decodeURIComponent(req.path.slice('/probe/'.length))
      const seen = upstream.requests.filter((r) => (r.body as { user?: string } | null)?.user === user)
      return { json: { requests: seen.length, aborted: seen.filter((r) => r.abortedAt !== undefined).length, finished: seen.filter((r) => r.finishedAt !== undefined && r.abortedAt === undefined).length } }
    }
    const body = req.body as { model?: string; stream?: boolean }
    // An upstream that takes 3 s to answer: the client goes away while the gateway waits for it.
    if (body.model === 'slow-start') return { delayMs: 3000, json: fixtureJson('openai/vercel-openai-text.json') }
    // A long stream (a frame every 50 ms for several seconds): the client goes away in the middle.
    if (body.model === 'slow-stream') return { sse: sseFromChunkLines(fixtureText('openai/vercel-openai-text.chunks.txt')).flatMap((frame, i, all) => (i < all.length - 1 ? Array(3).fill(frame) : [frame])), frameDelayMs: 50 }
    if (body.model === 'tool-call') return { sse: sseFromRaw(fixtureText('openai/python-stream-tool-call-get-weather.sse')) }
    // A job's call that never answers: the cancel test needs it to stay running.
    if (body.model === 'hang') return { hang: true }
    if (body.model === 'broken') return { status: 429, headers: { 'retry-after': '7' }, json: { error: { message: 'Rate limit reached', type: 'requests', param: null, code: 'rate_limit_exceeded' } } }
    // Workers' fetch must hand the 3xx back instead of following it to /elsewhere.
    if (body.model === 'redirect') return { status: 307, headers: { location: `${upstream.url}/elsewhere` }, text: '' }
    if (req.path === '/elsewhere') return { json: fixtureJson('openai/vercel-openai-text.json') }
    if (body.stream) return { sse: sseFromChunkLines(fixtureText('openai/vercel-openai-text.chunks.txt')) }
    return { json: fixtureJson('openai/vercel-openai-text.json') }
  })
  const receiver = await startWorkersCallbackReceiver(WEBHOOK_SECRET)
  const otlp = await startOtlpReceiver()
  project.provide('otlpReceiverUrl', otlp.url)
  project.provide('mockUpstreamUrl', upstream.url)
  project.provide('callbackReceiverUrl', receiver.url)
  project.provide('webhookSecret', WEBHOOK_SECRET)
  return async () => {
    await upstream.close()
    await receiver.close()
    await otlp.close()
  }
}
