import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { PromptCatalog } from '../../src/prompt-api/catalog.js'
import { usage } from '../../src/store/schema.js'
import { startTestGateway, type TestGateway } from '../support/gateway.js'
import { startMockUpstream, type MockUpstream } from '../support/mock-upstream.js'
import { completionWith, RECORDED_STREAM_USAGE, RECORDED_USAGE, shippedPrompts, ssePayloads, streamOf } from '../support/prompt-files.js'

/** Prices fixed by the test's config, so costs are exact: $1 per Mtok in, $2 per Mtok out. */
const PRICES = { 'openai/gpt-4o-mini': { input_per_mtok: 1, output_per_mtok: 2 } }
const JSON_COST = 0.000742 // 16 × 1e-6 + 363 × 2e-6
const STREAM_COST = 0.000616 // 16 × 1e-6 + 300 × 2e-6

describe('the shipped prompt APIs through the gateway', () => {
  let upstream: MockUpstream
  let gw: TestGateway

  beforeAll(async () => {
    upstream = await startMockUpstream()
    const prompts = new PromptCatalog(shippedPrompts())
    expect(prompts.report.errors).toEqual([])
    gw = await startTestGateway({
      env: { OPENAI_API_KEY: 'sk-upstream-secret', OPENAI_BASE_URL: `${upstream.url}/v1` },
      file: { prices: PRICES },
      assemble: { prompts },
    })
  })
  afterAll(async () => {
    await gw.close()
    await upstream.close()
  })
  beforeEach(() => {
    upstream.requests.length = 0
  })

  const post = (path: string, body: unknown, init: { key?: string; headers?: Record<string, string> } = {}) =>
    gw.request(path, { method: 'POST', key: init.key, headers: { 'content-type': 'application/json', ...init.headers }, body: JSON.stringify(body) })

  it('sentiment: renders the exact messages, asks for the schema, returns the parsed object', async () => {
    upstream.setHandler(() => ({ json: completionWith('{"label":"positive","score":0.93}') }))
    const key = await gw.createKey()
    const res = await post('/v1/prompts/sentiment', { text: 'I love this blender.' }, { key, headers: { 'x-request-id': 'req-sentiment-1' } })
    expect(res.status).toBe(200)
    expect(res.headers.get('x-manifold-prompt')).toBe('sentiment@1')
    expect(await res.json()).toEqual({
      id: 'req-sentiment-1', prompt: 'sentiment', version: '1', model: 'openai/gpt-4o-mini',
      output: { label: 'positive', score: 0.93 }, usage: RECORDED_USAGE, cost_usd: JSON_COST,
    })
    expect(upstream.requests).toHaveLength(1)
    expect(upstream.requests[0]!.body).toEqual({
      model: 'gpt-4o-mini',
      temperature: 0,
      max_tokens: 50,
      stream: false,
      messages: [
        { role: 'system', content: 'You classify the sentiment of the text the user sends. Answer with its label (positive, negative or\nneutral) and a confidence score from 0 to 1.' },
        { role: 'user', content: 'I waited three weeks and the parcel arrived broken.' },
        { role: 'assistant', content: '{"label": "negative", "score": 0.96}' },
        { role: 'user', content: 'I love this blender.' },
      ],
      response_format: {
        type: 'json_schema',
        json_schema: {
          name: 'sentiment',
          strict: true,
          schema: {
            type: 'object', required: ['label', 'score'], additionalProperties: false,
            properties: {
              label: { type: 'string', enum: ['positive', 'negative', 'neutral'] },
              score: { type: 'number', minimum: 0, maximum: 1, description: 'How sure the model is, from 0 to 1.' },
            },
          },
        },
      },
    })
  })

  it('translate: both variables land where the template puts them; the output is the text', async () => {
    upstream.setHandler(() => ({ json: completionWith('Bonjour le monde') }))
    const res = await post('/v1/prompts/translate', { text: 'Hello world', target_language: 'French' })
    expect(res.status).toBe(200)
    const body = await res.json() as Record<string, unknown>
    expect(body.output).toBe('Bonjour le monde')
    expect(upstream.requests[0]!.body).toEqual({
      model: 'gpt-4o-mini',
      temperature: 0.2,
      stream: false,
      messages: [
        { role: 'system', content: 'You are a translator. Translate the user\'s text into French. Keep the tone, the\nformatting and any names as they are. Answer with the translation only.' },
        { role: 'user', content: 'Hello world' },
      ],
    })
  })

  it('summarize: an omitted max_words takes its default; a given one is used', async () => {
    upstream.setHandler(() => ({ json: completionWith('A short summary.') }))
    expect((await post('/v1/prompts/summarize', { text: 'Long text.' })).status).toBe(200)
    expect((await post('/v1/prompts/summarize', { text: 'Long text.', max_words: 25 })).status).toBe(200)
    const systems = upstream.requests.map((r) => (r.body as { messages: Array<{ content: string }> }).messages[0]!.content)
    expect(systems[0]).toBe('You write faithful summaries. Use at most 100 words. Keep facts, numbers and names exact;\nadd nothing that is not in the text.')
    expect(systems[1]).toContain('Use at most 25 words.')
    expect((upstream.requests[1]!.body as { messages: unknown[] }).messages[1]).toEqual({ role: 'user', content: 'Summarize this text:\n\nLong text.' })
  })

  it('extract-contact: nested structured output is parsed and validated', async () => {
    const answer = {
      name: 'Ada Lovelace', company: 'Analytical Engines Ltd', emails: ['ada@example.org'],
      phones: [{ number: '+44 20 7946 0000', kind: 'work' }],
      address: { street: '12 St James\'s Square', city: 'London', postal_code: 'SW1Y 4JH', country: 'United Kingdom' },
    }
    upstream.setHandler(() => ({ json: completionWith(JSON.stringify(answer)) }))
    const res = await post('/v1/prompts/extract-contact', { text: 'Ada Lovelace, Analytical Engines Ltd, ada@example.org, +44 20 7946 0000' })
    expect(res.status).toBe(200)
    expect((await res.json() as { output: unknown }).output).toEqual(answer)
    const sent = upstream.requests[0]!.body as { response_format: { json_schema: { strict: boolean; schema: { properties: Record<string, unknown> } } } }
    expect(sent.response_format.json_schema.strict).toBe(true)
    expect(Object.keys(sent.response_format.json_schema.schema.properties)).toEqual(['name', 'company', 'emails', 'phones', 'address'])
  })

  it('an answer that misses the schema is asked for once more, and both attempts are billed', async () => {
    const answers = ['{"label":"ecstatic","score":0.9}', '{"label":"positive","score":0.9}']
    upstream.setHandler(() => ({ json: completionWith(answers.shift()!) }))
    const res = await post('/v1/prompts/sentiment', { text: 'Great.' }, { headers: { 'x-request-id': 'req-retry-1' } })
    expect(res.status).toBe(200)
    const body = await res.json() as Record<string, unknown>
    expect(body.output).toEqual({ label: 'positive', score: 0.9 })
    await gw.deps.usage.flush()
    const rows = (await gw.deps.store.db.select().from(usage)).filter((r) => r.requestId === 'req-retry-1')
    expect(rows.map((r) => [r.prompt, r.promptVersion, r.outcome, r.costPicoUsd])).toEqual([['sentiment', '1', 'success', 742_000_000], ['sentiment', '1', 'success', 742_000_000]])
    expect(body.usage).toEqual({ prompt_tokens: 32, completion_tokens: 726, total_tokens: 758 })
    expect(body.cost_usd).toBe(2 * JSON_COST)
    expect(upstream.requests).toHaveLength(2)
    expect(upstream.requests[1]!.body).toEqual(upstream.requests[0]!.body)
  })

  it('two answers that miss the schema are a 502 that says why', async () => {
    upstream.setHandler(() => ({ json: completionWith('Sure! It is positive.') }))
    let res = await post('/v1/prompts/sentiment', { text: 'Great.' })
    expect(res.status).toBe(502)
    expect(await res.json()).toEqual({
      error: {
        message: 'The model\'s answer did not match the output schema of sentiment v1 (2 attempts): the answer is not valid JSON.',
        type: 'upstream_error', param: null, code: 'invalid_model_output',
      },
    })
    upstream.setHandler(() => ({ json: completionWith('{"label":"positive","score":7}') }))
    res = await post('/v1/prompts/sentiment', { text: 'Great.' })
    expect(res.status).toBe(502)
    expect((await res.json() as { error: { message: string } }).error.message).toBe(
      'The model\'s answer did not match the output schema of sentiment v1 (2 attempts): score: must be ≤ 1.',
    )
  })

  it('streams delta frames, then a done frame with usage and cost', async () => {
    upstream.setHandler(() => ({ sse: streamOf(['Bon', 'jour', ' le monde']) }))
    const res = await post('/v1/prompts/translate', { text: 'Hello world', target_language: 'French' }, { headers: { accept: 'text/event-stream', 'x-request-id': 'req-stream-1' } })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/)
    expect(ssePayloads(await res.text())).toEqual([
      { type: 'delta', delta: 'Bon' },
      { type: 'delta', delta: 'jour' },
      { type: 'delta', delta: ' le monde' },
      {
        type: 'done', id: 'req-stream-1', prompt: 'translate', version: '1', model: 'openai/gpt-4o-mini',
        output: 'Bonjour le monde', usage: RECORDED_STREAM_USAGE, cost_usd: STREAM_COST,
      },
      '[DONE]',
    ])
    const sent = upstream.requests[0]!.body as Record<string, unknown>
    expect(sent.stream).toBe(true)
    expect(sent.stream_options).toEqual({ include_usage: true })
  })

  it('streams structured output and parses it in the done frame; a bad one ends with an error frame', async () => {
    upstream.setHandler(() => ({ sse: streamOf(['{"label":"neg', 'ative","score":0.8}']) }))
    let res = await post('/v1/prompts/sentiment', { text: 'Awful.' }, { headers: { accept: 'text/event-stream' } })
    let frames = ssePayloads(await res.text())
    expect(frames.at(-2)).toMatchObject({ type: 'done', output: { label: 'negative', score: 0.8 } })

    upstream.setHandler(() => ({ sse: streamOf(['{"label":"meh"', ',"score":0.8}']) }))
    res = await post('/v1/prompts/sentiment', { text: 'Awful.' }, { headers: { accept: 'text/event-stream' } })
    frames = ssePayloads(await res.text())
    expect(frames).toEqual([
      { type: 'delta', delta: '{"label":"meh"' },
      { type: 'delta', delta: ',"score":0.8}' },
      { error: { message: 'The model\'s answer did not match the output schema of sentiment v1: label: must be one of "positive", "negative", "neutral".', type: 'upstream_error', param: null, code: 'invalid_model_output' } },
    ])
  })

  it('records usage rows per prompt name and version', async () => {
    upstream.setHandler(() => ({ json: completionWith('{"label":"neutral","score":0.5}') }))
    const res = await post('/v1/prompts/sentiment/versions/1', { text: 'It is a chair.' }, { headers: { 'x-request-id': 'req-usage-rows' } })
    expect(res.status).toBe(200)
    await gw.deps.usage.flush()
    const rows = (await gw.deps.store.db.select().from(usage)).filter((r) => r.requestId === 'req-usage-rows')
    expect(rows).toHaveLength(1)
    expect(rows[0]).toMatchObject({ prompt: 'sentiment', promptVersion: '1', provider: 'openai', model: 'openai/gpt-4o-mini', status: 200, outcome: 'success', promptTokens: 16, completionTokens: 363, costPicoUsd: 742_000_000 })
  })

  it('invalid input is a 400 that lists every invalid field', async () => {
    const res = await post('/v1/prompts/summarize', { max_words: 3.5, lang: 'fr' })
    expect(res.status).toBe(400)
    expect(await res.json()).toEqual({
      error: {
        message: 'Invalid input for summarize v1: text: is required; max_words: must be an integer; lang: is not a declared field.',
        type: 'invalid_request_error', param: 'text', code: 'invalid_prompt_input',
        fields: [
          { field: 'text', message: 'is required' },
          { field: 'max_words', message: 'must be an integer' },
          { field: 'lang', message: 'is not a declared field' },
        ],
      },
    })
    expect(upstream.requests).toHaveLength(0)
  })

  it('a body that is not an object, or not JSON, is a 400', async () => {
    expect((await post('/v1/prompts/sentiment', ['text'])).status).toBe(400)
    const res = await gw.request('/v1/prompts/sentiment', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{text:' })
    expect(res.status).toBe(400)
    expect((await res.json() as { error: { code: string } }).error.code).toBe('invalid_json')
  })

  it('an unknown prompt is a 404', async () => {
    const res = await post('/v1/prompts/no-such-prompt', { text: 'x' })
    expect(res.status).toBe(404)
    expect(await res.json()).toEqual({ error: { message: 'There is no prompt API named `no-such-prompt`.', type: 'invalid_request_error', param: null, code: 'prompt_not_found' } })
  })

  it('GET /v1/prompts lists the published prompts with their schemas', async () => {
    const res = await gw.request('/v1/prompts')
    expect(res.status).toBe(200)
    const body = await res.json() as { data: Array<{ name: string; version: string; input: unknown; output: unknown; path: string }> }
    expect(body.data.map((p) => p.name)).toEqual(['extract-contact', 'sentiment', 'summarize', 'translate'])
    const sentiment = body.data.find((p) => p.name === 'sentiment')!
    expect(sentiment).toMatchObject({ version: '1', path: '/v1/prompts/sentiment', input: { required: ['text'] }, output: { required: ['label', 'score'] } })
    expect(body.data.find((p) => p.name === 'translate')!.output).toBeNull()
  })
})
