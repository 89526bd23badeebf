import { describe, expect, it } from 'vitest'
import { useResponsesGateway } from '../../../test/support/responses-gateway.js'
import { abridgedStream, errorStream, framesOfEvents, responsesFixtureText, textJson, toolJson, toolStream } from '../../../test/support/responses-recordings.js'

/** Recorded OpenAI Responses traffic replayed through the native path: the client gets OpenAI's bytes. */
describe('native /v1/responses to OpenAI', () => {
  const t = useResponsesGateway()

  const codexLike = {
    model: 'openai/gpt-5.1-codex-max', stream: true, store: false, include: ['reasoning.encrypted_content'],
    reasoning: { effort: 'high', summary: 'auto' }, tool_choice: 'auto', parallel_tool_calls: true,
    prompt_cache_key: 'cache-1', client_metadata: { session: 's1' },
    input: [{ type: 'message', role: 'developer', content: [{ type: 'input_text', text: 'You are Codex.' }] }, { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Compute it' }] }],
    tools: [{ type: 'function', name: 'calculator', strict: false, parameters: { type: 'object', properties: {} } }, { type: 'web_search' }],
  }

  it('a recorded stream (encrypted reasoning, a function call) passes through byte for byte, metered from its usage', async () => {
    const frames = framesOfEvents(toolStream)
    t.upstream.setHandler(() => ({ sse: frames }))
    const res = await t.post(codexLike)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toContain('text/event-stream')
    expect(await res.text()).toBe(frames.join(''))

    const sent = t.upstream.requests[0]!
    expect(sent.path).toBe('/v1/responses')
    expect(sent.headers.authorization).toBe('Bearer sk-upstream-openai')
    expect(sent.body).toEqual({ ...codexLike, model: 'gpt-5.1-codex-max' })

    const [row] = await t.usageRows(res.headers.get('x-request-id')!)
    const usage = toolJson.usage as { input_tokens: number; output_tokens: number; output_tokens_details: { reasoning_tokens: number } }
    expect(row).toMatchObject({
      provider: 'openai', model: 'openai/gpt-5.1-codex-max', surface: 'responses', stream: true, status: 200, outcome: 'success',
      promptTokens: usage.input_tokens, completionTokens: usage.output_tokens, reasoningTokens: usage.output_tokens_details.reasoning_tokens,
    })
    expect(res.headers.get('x-manifold-target')).toBe('openai/gpt-5.1-codex-max')
  })

  it('an abridged recording passes through as it is', async () => {
    const frames = framesOfEvents(abridgedStream)
    t.upstream.setHandler(() => ({ sse: frames }))
    const res = await t.post({ model: 'openai/gpt-5.3-codex', input: 'news', stream: true })
    expect(await res.text()).toBe(frames.join(''))
  })

  it('a recorded JSON Response passes through byte for byte, with cost headers, and is stored by default', async () => {
    const recorded = responsesFixtureText('vercel-openai-phase.1.json')
    t.upstream.setHandler(() => ({ text: recorded, headers: { 'content-type': 'application/json' } }))
    const res = await t.post({ model: 'openai/gpt-5.3-codex', input: 'news' })
    expect(res.status).toBe(200)
    expect(await res.text()).toBe(recorded)
    expect(res.headers.get('x-manifold-cost-usd')).toMatch(/^(unknown|[0-9.e-]+)$/)
    expect(res.headers.get('x-manifold-attempts')).toBe('1')
    expect(await t.storedIds()).toContain(textJson.id)
  })

  it('a recorded failure after the stream began (error, response.failed) reaches the client as sent; the row says error', async () => {
    const frames = framesOfEvents(errorStream)
    t.upstream.setHandler(() => ({ sse: frames }))
    const res = await t.post({ model: 'openai/gpt-5-nano', input: 'hi', stream: true })
    expect(await res.text()).toBe(frames.join(''))
    const [row] = await t.usageRows(res.headers.get('x-request-id')!)
    expect(row).toMatchObject({ outcome: 'error', surface: 'responses', stream: true })
  })

  it('a cut stream ends with an error event after the bytes that arrived', async () => {
    const frames = framesOfEvents(toolStream)
    t.upstream.setHandler(() => ({ sse: frames, failAfterFrames: 5, frameDelayMs: 20 }))
    const res = await t.post({ ...codexLike })
    const text = await res.text()
    expect(text.startsWith(frames.slice(0, 5).join(''))).toBe(true)
    const tail = text.slice(frames.slice(0, 5).join('').length)
    expect(tail).toMatch(/^event: error\ndata: /)
    const error = JSON.parse(tail.slice(tail.indexOf('data: ') + 6)) as Record<string, unknown>
    expect(error).toMatchObject({ type: 'error', code: 'upstream_error', param: null, sequence_number: toolStream[4]!.sequence_number + 1 })
    const [row] = await t.usageRows(res.headers.get('x-request-id')!)
    expect(row).toMatchObject({ outcome: 'error', status: 502 })
  })

  it('an upstream 429 is OpenAI\'s error shape with its retry-after; the recorded quota error keeps its message', async () => {
    const quota = JSON.parse(responsesFixtureText('vercel-openai-error.1.chunks.txt').split('\n')[2]!) as { error: Record<string, unknown> }
    t.upstream.setHandler(() => ({ status: 429, json: { error: quota.error }, headers: { 'retry-after': '7' } }))
    const res = await t.post({ model: 'openai/gpt-5-nano', input: 'hi' })
    expect(res.status).toBe(429)
    expect(res.headers.get('retry-after')).toBe('7')
    expect(await res.json()).toEqual({
      error: { message: `openai: ${String(quota.error.message)}`, type: 'rate_limit_error', param: null, code: 'rate_limit_exceeded' },
    })
  })

  it('a client that goes away aborts OpenAI\'s stream; the attempt is recorded as aborted', async () => {
    t.upstream.setHandler(() => ({ sse: framesOfEvents(toolStream), frameDelayMs: 20 }))
    const client = new AbortController()
    const res = await t.post({ ...codexLike }, { signal: client.signal })
    const reader = res.body!.getReader()
    await reader.read()
    client.abort()
    await reader.cancel()
    await expect.poll(() => t.upstream.requests[0]!.abortedAt).toBeDefined()
    await expect.poll(async () => (await t.usageRows(res.headers.get('x-request-id')!))[0]?.outcome).toBe('aborted')
  })

  it('fallback between OpenAI targets stays native: a 503 from the first, the second answers', async () => {
    t.upstream.setHandler((req) => ((req.body as { model: string }).model === 'gpt-down'
      ? { status: 503, json: { error: { message: 'overloaded', type: 'server_error', code: null } } }
      : { json: textJson }))
    const route = JSON.stringify({ strategy: 'fallback', targets: ['openai/gpt-down', 'openai/gpt-up'] })
    const res = await t.post({ model: 'any', input: 'hi' }, { headers: { 'x-manifold-route': route } })
    expect(res.status).toBe(200)
    expect(res.headers.get('x-manifold-attempts')).toBe('2')
    expect(res.headers.get('x-manifold-target')).toBe('openai/gpt-up')
    expect(t.upstream.requests.map((r) => [r.path, (r.body as { model: string }).model])).toEqual([['/v1/responses', 'gpt-down'], ['/v1/responses', 'gpt-up']])
    const rows = await t.usageRows(res.headers.get('x-request-id')!)
    expect(rows.map((r) => [r.attempt, r.status, r.outcome])).toEqual([[1, 503, 'error'], [2, 200, 'success']])
  })

  it('every OpenAI target overloaded: the 503 in OpenAI\'s shape', async () => {
    t.upstream.setHandler(() => ({ status: 503, json: { error: { message: 'overloaded', type: 'server_error', code: null } } }))
    const res = await t.post({ model: 'openai/gpt-down', input: 'hi' })
    expect(res.status).toBe(503)
    expect(await res.json()).toEqual({ error: { message: 'openai: overloaded', type: 'upstream_error', param: null, code: 'upstream_error' } })
  })

  it('previous_response_id the gateway does not hold goes on to OpenAI (it may hold it)', async () => {
    t.upstream.setHandler(() => ({ json: textJson }))
    const res = await t.post({ model: 'openai/gpt-5.3-codex', input: 'more', previous_response_id: 'resp_openai_own', store: false })
    expect(res.status).toBe(200)
    expect((t.upstream.requests[0]!.body as Record<string, unknown>).previous_response_id).toBe('resp_openai_own')
  })

  it('a turn of tool output alone (the rest held by OpenAI) goes through natively', async () => {
    t.upstream.setHandler(() => ({ json: textJson }))
    const input = [{ type: 'function_call_output', call_id: 'call_1', output: '19' }]
    const res = await t.post({ model: 'openai/gpt-5-mini', input, previous_response_id: 'resp_openai_own', store: false })
    expect(res.status).toBe(200)
    expect((t.upstream.requests[0]!.body as Record<string, unknown>).input).toEqual(input)
  })
})
