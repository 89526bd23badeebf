import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createMistralProvider } from '../../providers/mistral/index.js'
import type { CallContext, ChatRequest, Provider } from '../../providers/types.js'
import { eventually } from '../support/eventually.js'
import { startMockUpstream, type MockReply, type MockUpstream } from '../support/mock-upstream.js'

const req = { model: 'mistral-small-latest', messages: [{ role: 'user', content: 'Hi' }] } as ChatRequest

describe('Mistral errors → ProviderError', () => {
  let upstream: MockUpstream
  let provider: Provider
  const ctx = (): CallContext => ({ signal: new AbortController().signal, apiKey: 'mistral-secret-key', baseURL: upstream.url, fetch: globalThis.fetch.bind(globalThis) })

  beforeAll(async () => {
    upstream = await startMockUpstream()
    provider = createMistralProvider({ id: 'mistral' })
  })
  afterAll(() => upstream.close())

  const cases: Array<[string, MockReply, Record<string, unknown>]> = [
    ['401 unauthorized', { status: 401, json: { message: 'Unauthorized', request_id: 'abc' } },
      { status: 401, code: 'authentication_error', retryable: false, message: 'mistral: Unauthorized' }],
    ['429 with Retry-After', { status: 429, headers: { 'retry-after': '7' }, json: { object: 'error', message: 'Requests rate limit exceeded', type: 'rate_limited', param: null, code: '1300' } },
      { status: 429, code: 'rate_limit_exceeded', retryable: true, retryAfterMs: 7000, message: 'mistral: Requests rate limit exceeded' }],
    ['422 validation detail', { status: 422, json: { detail: [{ type: 'missing', loc: ['body', 'messages'], msg: 'Field required' }] } },
      { status: 422, code: 'invalid_request_error', retryable: false, message: 'mistral: body.messages: Field required' }],
    ['400 context too long', { status: 400, json: { object: 'error', message: 'Prompt contains 40000 tokens, too large for model with 32768 maximum context length', type: 'invalid_request_error', param: null, code: '3051' } },
      { status: 400, code: 'context_length_exceeded', retryable: false }],
    ['404 unknown model', { status: 404, json: { object: 'error', message: 'Invalid model: nope', type: 'invalid_model', param: null, code: '1500' } },
      { status: 404, code: 'model_not_found', retryable: false, message: 'mistral: Invalid model: nope' }],
    ['503 plain text', { status: 503, text: 'upstream connect error' },
      { status: 503, code: 'upstream_error', retryable: true, message: 'mistral: upstream returned HTTP 503' }],
  ]

  it.each(cases)('%s (chat)', async (_name, reply, expected) => {
    upstream.setHandler(() => reply)
    const err = await provider.chat(req, ctx()).catch((e: unknown) => e)
    expect(err).toMatchObject({ name: 'ProviderError', provider: 'mistral', ...expected })
    expect(JSON.stringify(err)).not.toContain('mistral-secret-key')
  })

  it.each(cases)('%s (stream: rejects before any chunk)', async (_name, reply, expected) => {
    upstream.setHandler(() => reply)
    const err = await provider.chatStream(req, ctx()).catch((e: unknown) => e)
    expect(err).toMatchObject({ name: 'ProviderError', ...expected })
  })

  it('a refused connection is a retryable connection_error', async () => {
    const closed = await startMockUpstream()
    const url = closed.url
    await closed.close()
    const err = await provider.chat(req, { ...ctx(), baseURL: url }).catch((e: unknown) => e)
    expect(err).toMatchObject({ status: 502, code: 'connection_error', retryable: true })
  })

  it('an abort is `aborted`, not retryable', async () => {
    upstream.setHandler(() => ({ hang: true }))
    const controller = new AbortController()
    const pending = provider.chat(req, { ...ctx(), signal: controller.signal }).catch((e: unknown) => e)
    controller.abort()
    expect(await pending).toMatchObject({ code: 'aborted', retryable: false })
  })
  it('an abort after a garbage collection still reaches the upstream (the SDK\'s Request signal alone would not)', async () => {
    setFlagsFromString('--expose-gc')
    const collectGarbage = runInNewContext('gc') as () => void
    upstream.setHandler(() => ({ hang: true }))
    const seen = upstream.requests.length
    const controller = new AbortController()
    const pending = provider.chatStream(req, { ...ctx(), signal: controller.signal }).catch((e: unknown) => e)
    await eventually(() => upstream.requests.length > seen, 'the call to reach the upstream')
    for (let i = 0; i < 3; i++) {
      collectGarbage()
      await new Promise((resolve) => setTimeout(resolve, 10))
    }
    controller.abort()
    expect(await pending).toMatchObject({ code: 'aborted', retryable: false })
    await eventually(() => upstream.requests[seen]!.abortedAt !== undefined, 'the upstream to see the abort')
  })
})
