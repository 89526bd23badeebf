import { anthropicFrames } from '../support/anthropic-harness.js'
import { fixtureJson, fixtureText } from '../support/fixtures.js'
import { geminiFrames } from '../support/gemini-harness.js'
import { sseFromChunkLines, sseFromRaw, startMockUpstream, type MockReply, type MockUpstream, type ReceivedRequest } from '../support/mock-upstream.js'
import type { UpstreamSeen } from './types.js'

/**
 * The mock upstream of the shared end-to-end tests, in Node (workerd cannot listen): it answers each
 * provider's real wire format from the recordings in test/fixtures, picked by the endpoint the call reached
 * and the model it names, and answers `GET /probe?tag=T` with what it saw of the calls whose body holds T.
 */

const openaiText = () => fixtureJson('openai/vercel-openai-text.json')
const openaiStream = () => sseFromChunkLines(fixtureText('openai/vercel-openai-text.chunks.txt'))

/** Special OpenAI models: slow, failing, hanging or redirecting upstreams. */
function openaiSpecial(model: string | undefined, upstreamUrl: string): MockReply | undefined {
  switch (model) {
    case 'slow-start': return { delayMs: 3000, json: openaiText() }
    // A frame every 50 ms for several seconds: the client goes away in the middle.
    case 'slow-stream': return { sse: openaiStream().flatMap((frame, i, all) => (i < all.length - 1 ? Array<string>(3).fill(frame) : [frame])), frameDelayMs: 50 }
    case 'tool-call': return { sse: sseFromRaw(fixtureText('openai/python-stream-tool-call-get-weather.sse')) }
    case 'hang': return { hang: true }
    case 'broken': return { status: 429, headers: { 'retry-after': '7' }, json: { error: { message: 'Rate limit reached', type: 'requests', param: null, code: 'rate_limit_exceeded' } } }
    case 'lb-down': return { status: 500, json: { error: { message: 'The server had an error', type: 'server_error', param: null, code: null } } }
    // Workers' fetch must hand the 3xx back instead of following it to /elsewhere.
    case 'redirect': return { status: 307, headers: { location: `${upstreamUrl}/elsewhere` }, text: '' }
    default: return undefined
  }
}

function answer(req: ReceivedRequest, upstreamUrl: string): MockReply {
  const body = (req.body ?? {}) as { model?: string; stream?: boolean }
  if (req.path.startsWith('/v1/messages')) {
    return body.stream ? { sse: anthropicFrames('vercel-anthropic-text.chunks.txt') } : { json: fixtureJson('anthropic/vercel-anthropic-text.json') }
  }
  if (req.path.includes(':streamGenerateContent')) return { sse: geminiFrames('vercel-google-text.chunks.txt') }
  if (req.path.includes(':generateContent')) return { json: fixtureJson('gemini/vercel-google-text.json') }
  if (req.path.startsWith('/compat/')) {
    return body.stream ? { sse: sseFromChunkLines(fixtureText('openai-compatible/vercel-groq-text.chunks.txt')) } : { json: fixtureJson('openai-compatible/vercel-deepseek-tool-call.json') }
  }
  if (body.model?.startsWith('mistral-')) {
    return body.stream ? { sse: sseFromChunkLines(fixtureText('mistral/vercel-mistral-text.chunks.txt')) } : { json: fixtureJson('mistral/vercel-mistral-text.json') }
  }
  if (req.path === '/elsewhere') return { json: openaiText() }
  return openaiSpecial(body.model, upstreamUrl) ?? (body.stream ? { sse: openaiStream() } : { json: openaiText() })
}

function seenFor(requests: readonly ReceivedRequest[], tag: string): UpstreamSeen {
  const seen = requests.filter((r) => r.rawBody.includes(tag))
  return {
    requests: seen.length,
    aborted: seen.filter((r) => r.abortedAt !== undefined).length,
    finished: seen.filter((r) => r.finishedAt !== undefined && r.abortedAt === undefined).length,
    paths: seen.map((r) => r.path),
  }
}

export async function startBothUpstream(): Promise<MockUpstream> {
  const upstream: MockUpstream = await startMockUpstream((req) => {
    if (req.path.startsWith('/probe?')) return { json: seenFor(upstream.requests, new URL(req.path, upstream.url).searchParams.get('tag') ?? '') }
    return answer(req, upstream.url)
  })
  return upstream
}
