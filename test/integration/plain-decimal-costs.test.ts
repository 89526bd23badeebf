import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { expandExponent, plainDecimalJson } from '../../src/metering/plain-decimal-json.js'
import { fixtureJson, fixtureText } from '../support/fixtures.js'
import { startMeteredGateway, type MeteredGateway } from '../support/metering-gateway.js'
import { sseFromChunkLines } from '../support/mock-upstream.js'

/** gpt-4.1-nano input is $0.10 per million tokens: 3 input tokens and no output cost $0.0000003 (3e-7 in JavaScript). */
const TINY_USAGE = { prompt_tokens: 3, completion_tokens: 0, total_tokens: 3 }

describe('plainDecimalJson', () => {
  it('writes numbers JavaScript puts in exponent form as plain decimals, leaving strings alone', () => {
    expect(plainDecimalJson({ cost_usd: 4.2e-7, note: 'about 4.2e-7 "quoted\\"', list: [-1.5e-10, 1e21, 12, 0.5] }))
      .toBe('{"cost_usd":0.00000042,"note":"about 4.2e-7 \\"quoted\\\\\\"","list":[-0.00000000015,1000000000000000000000,12,0.5]}')
    expect(expandExponent('1.234e-3')).toBe('0.001234')
    expect(expandExponent('12.5')).toBe('12.5')
  })
})

describe('tiny costs are plain decimals everywhere the gateway prints them', () => {
  let m: MeteredGateway
  beforeAll(async () => {
    m = await startMeteredGateway({ file: { routes: { pair: { strategy: 'all', targets: ['openai/gpt-4.1-nano', 'openai/gpt-4.1-nano'] } } } })
  })
  afterAll(() => m.close())

  it('x-manifold-cost-usd header and the fan-out body cost_usd', async () => {
    m.upstream.setHandler(() => ({ json: { ...fixtureJson<Record<string, unknown>>('openai/vercel-openai-text.json'), usage: TINY_USAGE } }))
    const key = await m.gw.createKey({ name: 'tiny' })
    const res = await m.chat(key)
    expect(res.headers.get('x-manifold-cost-usd')).toBe('0.0000003')
    const fanout = await m.chat(key, { model: 'pair' })
    expect(fanout.headers.get('x-manifold-cost-usd')).toBe('0.0000006')
    const text = await fanout.text()
    expect(text).toContain('"cost_usd":0.0000006}')
    expect(text).not.toMatch(/\de-\d/)
  })

  it('the usage chunk of a stream carries cost_usd as a plain decimal', async () => {
    const recorded = fixtureText('openai/vercel-openai-text.chunks.txt')
      .replace('"prompt_tokens":16,"completion_tokens":300,"total_tokens":316', '"prompt_tokens":3,"completion_tokens":0,"total_tokens":3')
    m.upstream.setHandler(() => ({ sse: sseFromChunkLines(recorded) }))
    const key = await m.gw.createKey({ name: 'stream' })
    const res = await m.chat(key, { stream: true, stream_options: { include_usage: true } })
    const text = await res.text()
    expect(text).toContain('"cost_usd":0.0000003}')
    expect(text).not.toMatch(/\de-\d/)
  })

  it("a key's spend and the usage report print sub-micro-dollar amounts in full", async () => {
    m.upstream.setHandler(() => ({ json: { ...fixtureJson<Record<string, unknown>>('openai/vercel-openai-text.json'), usage: TINY_USAGE } }))
    const created = await m.admin('POST', '/admin/keys', { name: 'spender' })
    const { id, key } = (await created.json()) as { id: string; key: string }
    expect((await m.chat(key)).status).toBe(200)
    await m.gw.deps.usage.flush()
    const shown = await (await m.admin('GET', `/admin/keys/${id}`)).text()
    expect(shown).toContain('"spent_usd":0.0000003,')
    const report = await (await m.admin('GET', `/admin/usage?key=${id}`)).text()
    expect(report).toContain('"cost_usd":0.0000003,')
    const log = await (await m.admin('GET', `/admin/requests?key=${id}`)).text()
    expect(log).toContain('"cost_usd":0.0000003')
    expect(`${shown}${report}${log}`).not.toMatch(/\de-\d/)
  })
})
