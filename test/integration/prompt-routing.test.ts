import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PromptCatalog } from '../../src/prompt-api/catalog.js'
import { startTestGateway, type TestGateway } from '../support/gateway.js'
import { startMockUpstream, type MockUpstream } from '../support/mock-upstream.js'
import { basicFront, completionWith, promptSource, ssePayloads, streamOf } from '../support/prompt-files.js'

/** A prompt's `model` may be an alias or a route, fan-out (`all`) routes included. */
describe('prompt APIs behind aliases and routes', () => {
  let upstream: MockUpstream
  let gw: TestGateway

  beforeAll(async () => {
    // Each upstream model answers with its own name, so the test can tell the targets apart.
    upstream = await startMockUpstream((req) => {
      const body = req.body as { model: string; stream?: boolean }
      const answer = `{"label":"positive","score":${body.model === 'gpt-4o' ? 0.9 : 0.6}}`
      return body.stream ? { sse: streamOf([answer.slice(0, 10), answer.slice(10)]) } : { json: completionWith(answer) }
    })
    const labelOutput = { type: 'object', required: ['label', 'score'], additionalProperties: false, properties: { label: { type: 'string' }, score: { type: 'number' } } }
    const prompts = new PromptCatalog([
      promptSource('prompts/aliased.v1.md', basicFront({ name: 'aliased', model: 'house-model', output: labelOutput })),
      promptSource('prompts/fanout.v1.md', basicFront({ name: 'fanout', model: 'duo', output: labelOutput })),
    ])
    gw = await startTestGateway({
      env: { OPENAI_API_KEY: 'sk-upstream', OPENAI_BASE_URL: `${upstream.url}/v1` },
      file: {
        aliases: { 'house-model': 'openai/gpt-4o-mini' },
        routes: { duo: { strategy: 'all', targets: ['openai/gpt-4o-mini', 'openai/gpt-4o'] } },
      },
      assemble: { prompts },
    })
  })
  afterAll(async () => {
    await gw.close()
    await upstream.close()
  })

  const call = (name: string, headers: Record<string, string> = {}) =>
    gw.request(`/v1/prompts/${name}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ text: 'good' }) })

  it('an alias resolves like any chat call', async () => {
    const res = await call('aliased')
    expect(res.status).toBe(200)
    expect(await res.json()).toMatchObject({ model: 'openai/gpt-4o-mini', output: { label: 'positive', score: 0.6 } })
    expect((upstream.requests.at(-1)!.body as { model: string }).model).toBe('gpt-4o-mini')
  })

  it('a fan-out route answers once per target: `outputs` lists each, `output` is the first', async () => {
    const res = await call('fanout')
    expect(res.status).toBe(200)
    const body = await res.json() as Record<string, unknown>
    expect(body.output).toEqual({ label: 'positive', score: 0.6 })
    expect(body.outputs).toEqual([
      { target: 'openai/gpt-4o-mini', output: { label: 'positive', score: 0.6 } },
      { target: 'openai/gpt-4o', output: { label: 'positive', score: 0.9 } },
    ])
  })

  it('a fan-out stream tags the second target\'s text with its index, and the done frame lists both', async () => {
    const res = await call('fanout', { accept: 'text/event-stream' })
    expect(res.status).toBe(200)
    const frames = ssePayloads(await res.text())
    const deltas = frames.filter((f): f is { type: 'delta'; delta: string; index?: number } => (f as { type?: string }).type === 'delta')
    expect(deltas.filter((d) => d.index === undefined).map((d) => d.delta).join('')).toBe('{"label":"positive","score":0.6}')
    expect(deltas.filter((d) => d.index === 1).map((d) => d.delta).join('')).toBe('{"label":"positive","score":0.9}')
    expect(frames.at(-2)).toMatchObject({
      type: 'done',
      outputs: [
        { target: 'openai/gpt-4o-mini', output: { label: 'positive', score: 0.6 } },
        { target: 'openai/gpt-4o', output: { label: 'positive', score: 0.9 } },
      ],
    })
  })
})
