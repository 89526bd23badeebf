import { describe, expect, it } from 'vitest'
import { fixtureJson, fixtureText } from '../../../test/support/fixtures.js'
import { sseFromChunkLines } from '../../../test/support/mock-upstream.js'
import { startResponsesGateway, useResponsesGateway } from '../../../test/support/responses-gateway.js'
import { parseSseBody } from '../../../test/support/sse-parse.js'

const toolFrames = sseFromChunkLines(fixtureText('openai-compatible/vercel-deepseek-tool-call.chunks.txt'))
const textFrames = sseFromChunkLines(fixtureText('openai-compatible/vercel-groq-text.chunks.txt'))

type Event = Record<string, unknown> & { type: string; sequence_number: number }
const eventsOf = (text: string) => parseSseBody(text).events as Event[]

/** Codex CLI's request as captured (trimmed to one tool of each kind). */
const codexRequest = {
  model: 'compat/deepseek-reasoner', stream: true, store: false,
  include: ['reasoning.encrypted_content'], reasoning: { effort: 'medium', summary: 'auto' },
  tool_choice: 'auto', parallel_tool_calls: true, prompt_cache_key: 'pck-1', client_metadata: { originator: 'codex_exec' },
  input: [
    { type: 'message', role: 'developer', content: [{ type: 'input_text', text: 'You are a coding agent.' }] },
    { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Weather in SF?' }, { type: 'input_image', image_url: 'data:image/png;base64,AAAA', detail: 'low' }] },
    { type: 'reasoning', id: 'rs_1', summary: [], encrypted_content: 'gAAAA-opaque' },
    { type: 'function_call', id: 'fc_1', call_id: 'call_1', name: 'list', namespace: 'mcp__files', arguments: '{}' },
    { type: 'function_call_output', call_id: 'call_1', output: 'a.txt' },
  ],
  tools: [
    { type: 'function', name: 'shell', description: 'Run a command', strict: false, parameters: { type: 'object', properties: { command: { type: 'array', items: { type: 'string' } } }, required: ['command'], additionalProperties: false } },
    { type: 'namespace', name: 'mcp__files', description: 'Files', tools: [{ type: 'function', name: 'list', parameters: { type: 'object', properties: {} } }] },
    { type: 'web_search' },
  ],
}

describe('/v1/responses translated through chat', () => {
  const t = useResponsesGateway()

  it('Codex\'s request reaches a chat backend as chat: developer → system, namespace flattened, hosted tools and OpenAI-only fields dropped', async () => {
    t.upstream.setHandler(() => ({ sse: toolFrames }))
    const res = await t.post(codexRequest)
    expect(res.status).toBe(200)
    await res.text()
    expect(t.upstream.requests[0]!.path).toBe('/compat/v1/chat/completions')
    const sent = t.upstream.requests[0]!.body as Record<string, unknown>
    expect(sent.messages).toEqual([
      { role: 'system', content: 'You are a coding agent.' },
      { role: 'user', content: [{ type: 'text', text: 'Weather in SF?' }, { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA', detail: 'low' } }] },
      { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'mcp__files__list', arguments: '{}' } }] },
      { role: 'tool', tool_call_id: 'call_1', content: 'a.txt' },
    ])
    expect(sent.tools).toEqual([
      { type: 'function', function: { name: 'shell', description: 'Run a command', parameters: codexRequest.tools[0]!.parameters } },
      { type: 'function', function: { name: 'mcp__files__list', parameters: { type: 'object', properties: {} } } },
    ])
    expect(sent).toMatchObject({ model: 'deepseek-reasoner', stream: true, tool_choice: 'auto', parallel_tool_calls: true, reasoning_effort: 'medium' })
    for (const field of ['include', 'prompt_cache_key', 'client_metadata', 'store', 'input', 'reasoning']) expect(sent).not.toHaveProperty(field)
  })

  it('a recorded reasoning + tool call stream becomes the exact Responses event sequence, numbered from 0', async () => {
    t.upstream.setHandler(() => ({ sse: toolFrames }))
    const res = await t.post({ ...codexRequest, input: 'Weather in SF?' })
    const events = eventsOf(await res.text())
    const kinds = events.map((e) => e.type).filter((type, i, all) => type !== all[i - 1])
    expect(kinds).toEqual([
      'response.created', 'response.in_progress',
      'response.output_item.added', 'response.reasoning_summary_part.added', 'response.reasoning_summary_text.delta',
      'response.reasoning_summary_text.done', 'response.reasoning_summary_part.done', 'response.output_item.done',
      'response.output_item.added', 'response.function_call_arguments.delta', 'response.function_call_arguments.done', 'response.output_item.done',
      'response.completed',
    ])
    expect(events.map((e) => e.sequence_number)).toEqual(events.map((_, i) => i))
    const completed = events.at(-1)!.response as { status: string; output: Array<Record<string, unknown>>; usage: Record<string, unknown> }
    const reasoning = (parseSseBody(toolFrames.join('')).events as Array<{ choices: Array<{ delta: { reasoning_content?: string } }> }>)
      .map((chunk) => chunk.choices[0]?.delta.reasoning_content ?? '').join('')
    expect(completed.status).toBe('completed')
    expect(completed.output[0]).toMatchObject({ type: 'reasoning', summary: [{ type: 'summary_text', text: reasoning }] })
    expect(completed.output[1]).toMatchObject({ type: 'function_call', status: 'completed', name: 'weather' })
    expect(JSON.parse(completed.output[1]!.arguments as string)).toEqual({ location: 'San Francisco' })
    expect(completed.usage).toMatchObject({ input_tokens: expect.any(Number), output_tokens: expect.any(Number), total_tokens: expect.any(Number) })
    const [row] = await t.usageRows(res.headers.get('x-request-id')!)
    expect(row).toMatchObject({ surface: 'responses', provider: 'compat', outcome: 'success', stream: true })
  })

  it('a failure after output began: an error event, then response.failed, and no response.completed', async () => {
    t.upstream.setHandler(() => ({ sse: textFrames, failAfterFrames: 4, frameDelayMs: 20 }))
    const res = await t.post({ model: 'compat/llama', input: 'hi', stream: true })
    const events = eventsOf(await res.text())
    expect(events.at(-2)).toMatchObject({ type: 'error', code: 'upstream_error' })
    expect(events.at(-1)).toMatchObject({ type: 'response.failed', response: { status: 'failed', error: { code: 'upstream_error' } } })
    expect(events.some((e) => e.type === 'response.completed')).toBe(false)
    const [row] = await t.usageRows(res.headers.get('x-request-id')!)
    expect(row).toMatchObject({ outcome: 'error', surface: 'responses' })
  })

  it('a client that goes away aborts the upstream; the attempt is recorded as aborted', async () => {
    t.upstream.setHandler(() => ({ sse: textFrames, frameDelayMs: 20 }))
    const client = new AbortController()
    const res = await t.post({ model: 'compat/llama', input: 'hi', stream: true }, { signal: client.signal })
    const reader = res.body!.getReader()
    await reader.read()
    await reader.read()
    client.abort()
    await reader.cancel()
    await expect.poll(() => t.upstream.requests[0]!.abortedAt).toBeDefined()
    await expect.poll(async () => (await t.usageRows(res.headers.get('x-request-id')!))[0]?.outcome).toBe('aborted')
  })

  it('errors in OpenAI\'s shape: unknown model 404, a wrong key 401, an upstream 429 with retry-after, `all` refused with 400', async () => {
    const unknown = await t.post({ model: 'nobody/nothing', input: 'hi' })
    expect(unknown.status).toBe(404)
    expect(await unknown.json()).toEqual({ error: { message: 'The model `nobody/nothing` does not exist or you do not have access to it.', type: 'invalid_request_error', param: 'model', code: 'model_not_found' } })

    const anonymous = await t.post({ model: 'compat/llama', input: 'hi' }, { key: 'mk-wrong' })
    expect(anonymous.status).toBe(401)
    expect(await anonymous.json()).toEqual({ error: { message: 'Incorrect API key provided.', type: 'invalid_request_error', param: null, code: 'invalid_api_key' } })

    t.upstream.setHandler(() => ({ status: 429, json: { error: { message: 'slow down', type: 'rate_limit', code: null } }, headers: { 'retry-after': '3' } }))
    const limited = await t.post({ model: 'compat/llama', input: 'hi', stream: true })
    expect(limited.status).toBe(429)
    expect(limited.headers.get('retry-after')).toBe('3')
    expect(((await limited.json()) as { error: { type: string } }).error.type).toBe('rate_limit_error')

    const all = await t.post({ model: 'every', input: 'hi' })
    expect(all.status).toBe(400)
    expect(((await all.json()) as { error: { code: string } }).error.code).toBe('strategy_not_supported')

    const bad = await t.post({ model: 'compat/llama', input: [{ type: 'computer_call', call_id: 'c' }] })
    expect(bad.status).toBe(400)
    expect(await bad.json()).toEqual({ error: { message: "input[0]: input items of type 'computer_call' can only be sent to OpenAI.", type: 'invalid_request_error', param: 'input[0].type', code: 'unsupported_value' } })
  })

  it('race: OpenAI and a chat backend race through translation; the first answer wins', async () => {
    t.upstream.setHandler((req) => (req.path.startsWith('/compat/')
      ? { json: fixtureJson('openai-compatible/vercel-xai-tool-call.json') }
      : { json: fixtureJson('openai/vercel-openai-text.json'), delayMs: 200 }))
    const res = await t.post({ model: 'duo', input: 'hi' })
    expect(res.status).toBe(200)
    expect(res.headers.get('x-manifold-target')).toBe('compat/deepseek-chat')
    const body = (await res.json()) as { output: Array<{ type: string }> }
    expect(body.output.some((item) => item.type === 'function_call')).toBe(true)
    expect(t.upstream.requests.map((r) => r.path).sort()).toEqual(['/compat/v1/chat/completions', '/v1/chat/completions'])
  })
})

describe('/v1/responses body limit', () => {
  it('a body over the limit is a 413 in OpenAI\'s shape, nothing sent upstream', async () => {
    const t = await startResponsesGateway({ file: { body_limit_bytes: 1_000 } })
    try {
      const res = await t.post({ model: 'compat/llama', input: 'x'.repeat(2_000) })
      expect(res.status).toBe(413)
      expect(await res.json()).toEqual({ error: { message: 'The request body is larger than the limit of 1000 bytes.', type: 'invalid_request_error', param: null, code: 'request_too_large' } })
      expect(t.upstream.requests).toHaveLength(0)
    } finally {
      await t.close()
    }
  })
})
