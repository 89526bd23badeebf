import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestGateway, type TestGateway } from '../support/gateway.js'
import { startMockUpstream, type MockUpstream } from '../support/mock-upstream.js'

/**
 * The lean OpenAI client passes an answer that needs no rewriting on as the upstream's own text: exactly
 * its bytes for a whole answer, exactly each event's data for a stream, with only the usage the client did
 * not ask for taken out.
 */

const completion = {
  id: 'chatcmpl-pass', object: 'chat.completion', created: 1764806400, model: 'gpt-4o-mini',
  choices: [{ index: 0, message: { role: 'assistant', content: 'Tiny: 0.0000001', refusal: null }, logprobs: null, finish_reason: 'stop' }],
  usage: { prompt_tokens: 9, completion_tokens: 3, total_tokens: 12 },
}

const base = { id: 'chatcmpl-pass', object: 'chat.completion.chunk', created: 1764806400, model: 'gpt-4o-mini', system_fingerprint: 'fp_1' }
// Key order as OpenAI writes it: `usage` last, null on every chunk but the one that carries it.
const contentData = [
  JSON.stringify({ ...base, choices: [{ index: 0, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null }], usage: null }),
  JSON.stringify({ ...base, choices: [{ index: 0, delta: { content: 'Hello' }, logprobs: null, finish_reason: null }], usage: null }),
  JSON.stringify({ ...base, choices: [{ index: 0, delta: {}, logprobs: null, finish_reason: 'stop' }], usage: null }),
]
const usageData = JSON.stringify({ ...base, choices: [], usage: { prompt_tokens: 9, completion_tokens: 1, total_tokens: 10 } })

/** The data lines of an SSE body, in order. */
const dataLines = (text: string) => text.split('\n\n').filter((frame) => frame.startsWith('data: ')).map((frame) => frame.slice('data: '.length))

describe('OpenAI answers passed through as the upstream wrote them', () => {
  let upstream: MockUpstream
  let gw: TestGateway

  beforeAll(async () => {
    upstream = await startMockUpstream()
    gw = await startTestGateway({ env: { OPENAI_API_KEY: 'sk-pass', OPENAI_BASE_URL: `${upstream.url}/v1` } })
  })
  afterAll(async () => {
    await gw.close()
    await upstream.close()
  })

  const chat = (body: Record<string, unknown>) => gw.request('/v1/chat/completions', {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], ...body }),
  })

  it('sends a whole answer on byte for byte, its own layout and number forms kept', async () => {
    const text = JSON.stringify(completion, null, 2).replace('"Tiny: 0.0000001"', '"Tiny: 0.0000001"  ')
    upstream.setHandler(() => ({ text, headers: { 'content-type': 'application/json' } }))
    const res = await chat({})
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('application/json')
    expect(res.headers.get('x-manifold-target')).toBe('openai/gpt-4o-mini')
    expect(res.headers.get('x-request-id')).toMatch(/^req_/)
    expect(await res.text()).toBe(text)
  })

  it('streams each event as the upstream wrote it, without the usage the client did not ask for', async () => {
    upstream.setHandler(() => ({ sse: [...contentData, usageData, '[DONE]'].map((data) => `data: ${data}\n\n`) }))
    const res = await chat({ stream: true })
    const sent = dataLines(await res.text())
    expect(sent).toEqual([...contentData.map((data) => data.replace(',"usage":null}', '}')), '[DONE]'])
    expect(upstream.requests.at(-1)!.body).toMatchObject({ stream: true, stream_options: { include_usage: true } })
  })

  it('passes every chunk on untouched when the client asked for usage, and prices the usage chunk', async () => {
    upstream.setHandler(() => ({ sse: [...contentData, usageData, '[DONE]'].map((data) => `data: ${data}\n\n`) }))
    const res = await chat({ stream: true, stream_options: { include_usage: true } })
    const sent = dataLines(await res.text())
    expect(sent.slice(0, 3)).toEqual(contentData)
    const usage = JSON.parse(sent[3]!) as { usage: Record<string, unknown> }
    expect(usage.usage).toEqual({ prompt_tokens: 9, completion_tokens: 1, total_tokens: 10, cost_usd: expect.any(Number) })
    expect(sent[4]).toBe('[DONE]')
  })

  it('writes an event whose data spans several lines as one line, the client asking for usage or not', async () => {
    const split = contentData[1]!.replace('"content":', '"content":\ndata: ')
    upstream.setHandler(() => ({ sse: [`data: ${contentData[0]}\n\n`, `data: ${split}\n\n`, `data: ${contentData[2]}\n\n`, `data: ${usageData}\n\n`, 'data: [DONE]\n\n'] }))
    const res = await chat({ stream: true, stream_options: { include_usage: true } })
    const text = await res.text()
    expect(text.split('\n\n').every((frame) => frame === '' || /^data: [^\n]*$/.test(frame))).toBe(true)
    expect(JSON.parse(dataLines(text)[1]!)).toEqual(JSON.parse(contentData[1]!))
  })

  it('reads events split across reads, CRLF line ends, comments and multi-line data alike', async () => {
    const [first, second, last] = contentData
    const frames = [`: keep-alive\r\n\r\ndata: ${first!.slice(0, 40)}`, `${first!.slice(40)}\r\n\r\n`, `data: ${second}\n\n`, `data: ${last}\ndata: \n\n`, 'data: [DONE]\n\n']
    upstream.setHandler(() => ({ sse: frames }))
    const res = await chat({ stream: true })
    const sent = dataLines(await res.text())
    // The last event's two data lines join with a newline: the JSON is the same, so it is written again.
    expect(sent.slice(0, 2)).toEqual(contentData.slice(0, 2).map((data) => data.replace(',"usage":null}', '}')))
    expect(JSON.parse(sent[2]!)).toEqual({ ...JSON.parse(last!), usage: undefined })
    expect(sent[3]).toBe('[DONE]')
  })
})
