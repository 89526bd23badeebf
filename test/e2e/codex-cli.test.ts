import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { usage } from '../../src/store/schema.js'
import { runCodex } from '../support/codex-cli.js'
import { startTestGateway, type TestGateway } from '../support/gateway.js'
import { startMockUpstream, type MockReply, type MockUpstream, type ReceivedRequest } from '../support/mock-upstream.js'

interface ChatTool { function: { name: string; parameters?: { properties?: Record<string, unknown> } } }
interface ChatBody { messages: Array<{ role: string; content: unknown; tool_call_id?: string }>; tools?: ChatTool[] }

/** SYNTHESIZED chat chunks (no recording holds Codex's tools): the minimal stream an OpenAI-compatible server sends. */
function chunkFrames(deltas: Array<Record<string, unknown>>, finish: string): string[] {
  const base = { id: 'chatcmpl-codex', object: 'chat.completion.chunk', created: 1764664568, model: 'local-coder' }
  const frames = deltas.map((delta) => `data: ${JSON.stringify({ ...base, choices: [{ index: 0, delta, finish_reason: null }] })}\n\n`)
  frames.push(`data: ${JSON.stringify({ ...base, choices: [{ index: 0, delta: {}, finish_reason: finish }] })}\n\n`)
  frames.push(`data: ${JSON.stringify({ ...base, choices: [], usage: { prompt_tokens: 900, completion_tokens: 20, total_tokens: 920 } })}\n\n`)
  frames.push('data: [DONE]\n\n')
  return frames
}

/** Codex's shell tool: `shell` (argv) or `exec_command` (a command line), whichever this version offers. */
function shellCall(tools: ChatTool[]): { name: string; args: string } {
  const exec = tools.find((t) => t.function.name === 'exec_command')
  if (exec) return { name: 'exec_command', args: JSON.stringify({ cmd: 'cat note.txt' }) }
  const shell = tools.find((t) => t.function.name === 'shell')!
  return { name: shell.function.name, args: JSON.stringify({ command: ['bash', '-lc', 'cat note.txt'] }) }
}

/** A local model: a tool call first; once the tool's output is in the conversation, the answer quoting it. */
function agentModel(req: ReceivedRequest): MockReply {
  const body = req.body as ChatBody
  const toolResult = body.messages.find((m) => m.role === 'tool')
  if (toolResult) {
    const seen = JSON.stringify(toolResult.content)
    return { sse: chunkFrames([{ role: 'assistant', content: seen.includes('manifold-secret-42') ? 'The note says manifold-secret-42.' : 'The tool output was missing.' }], 'stop') }
  }
  const call = shellCall(body.tools ?? [])
  return { sse: chunkFrames([{ role: 'assistant', tool_calls: [{ index: 0, id: 'call_codex_1', type: 'function', function: { name: call.name, arguments: call.args } }] }], 'tool_calls') }
}

interface AnthropicBody { messages: Array<{ role: string; content: unknown }>; tools?: Array<{ name: string }> }

/** SYNTHESIZED Anthropic Messages events (no recording holds Codex's tools): the minimal stream Anthropic sends. */
function anthropicFrames(block: Record<string, unknown>, delta: Record<string, unknown>, stopReason: string): string[] {
  const events: Array<Record<string, unknown>> = [
    { type: 'message_start', message: { id: 'msg_codex', type: 'message', role: 'assistant', model: 'claude-sonnet-4-6', content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 900, output_tokens: 1 } } },
    { type: 'content_block_start', index: 0, content_block: block },
    { type: 'content_block_delta', index: 0, delta },
    { type: 'content_block_stop', index: 0 },
    { type: 'message_delta', delta: { stop_reason: stopReason, stop_sequence: null }, usage: { output_tokens: 20 } },
    { type: 'message_stop' },
  ]
  return events.map((event) => `event: ${String(event.type)}\ndata: ${JSON.stringify(event)}\n\n`)
}

/** Anthropic as the local model: the tool call first, then the answer once the tool_result is in. */
function anthropicAgent(req: ReceivedRequest): MockReply {
  const body = req.body as AnthropicBody
  const result = JSON.stringify(body.messages).includes('tool_result')
  if (result) {
    const text = JSON.stringify(body.messages).includes('manifold-secret-42') ? 'The note says manifold-secret-42.' : 'The tool output was missing.'
    return { sse: anthropicFrames({ type: 'text', text: '' }, { type: 'text_delta', text }, 'end_turn') }
  }
  const names = (body.tools ?? []).map((t) => t.name)
  const call = names.includes('exec_command') ? { name: 'exec_command', input: { cmd: 'cat note.txt' } } : { name: 'shell', input: { command: ['bash', '-lc', 'cat note.txt'] } }
  return { sse: anthropicFrames({ type: 'tool_use', id: 'toolu_codex_1', name: call.name, input: {} }, { type: 'input_json_delta', partial_json: JSON.stringify(call.input) }, 'tool_use') }
}

/** Codex CLI, unmodified, through /v1/responses to an OpenAI-compatible (non-OpenAI) backend on the mock upstream. */
describe('codex exec → gateway /v1/responses → OpenAI-compatible backend', () => {
  let upstream: MockUpstream
  let gw: TestGateway
  let key: string

  beforeAll(async () => {
    upstream = await startMockUpstream(agentModel)
    gw = await startTestGateway({
      listen: true,
      env: { LOCAL_API_KEY: 'upstream-local' },
      file: { providers: { local: { type: 'openai-compatible', base_url: `${upstream.url}/v1`, api_key_env: 'LOCAL_API_KEY' } } },
    })
    key = await gw.createKey({ name: 'codex' })
  })
  afterAll(async () => {
    await gw.close()
    await upstream.close()
  })

  it('completes a task that needs one shell call: the tool ran, its output went back, the answer came through', async () => {
    const work = mkdtempSync(join(tmpdir(), 'manifold-codex-work-'))
    writeFileSync(join(work, 'note.txt'), 'manifold-secret-42\n')
    const run = await runCodex({ baseURL: `${gw.url}/v1`, key, model: 'local/local-coder', prompt: 'Read note.txt and tell me what it says.', cwd: work, timeoutMs: 90_000 })
    if (run.code !== 0) console.error(run.stderr.slice(-4000), run.stdout.slice(-2000))
    expect(run.code).toBe(0)
    expect(run.lastMessage.trim()).toBe('The note says manifold-secret-42.')

    const calls = upstream.requests.filter((r) => r.path === '/v1/chat/completions')
    expect(calls.length).toBe(2)
    const first = calls[0]!.body as ChatBody & Record<string, unknown>
    expect(first.messages[0]!.role).toBe('system')
    for (const field of ['include', 'prompt_cache_key', 'client_metadata', 'store']) expect(first).not.toHaveProperty(field)
    // Codex's function tools arrive as functions; its namespaced ones flattened to namespace__name.
    const names = (first.tools ?? []).map((t) => t.function.name)
    expect(names).toContain(shellCall(first.tools ?? []).name)
    expect(names.some((name) => /^[A-Za-z0-9_-]+__[A-Za-z0-9_-]+$/.test(name))).toBe(true)
    const second = calls[1]!.body as ChatBody
    const toolMessage = second.messages.find((m) => m.role === 'tool')!
    expect(toolMessage.tool_call_id).toBe('call_codex_1')
    expect(JSON.stringify(toolMessage.content)).toContain('manifold-secret-42')

    await gw.deps.usage.flush()
    const rows = await gw.deps.store.db.select().from(usage)
    expect(rows.map((r) => [r.surface, r.provider, r.outcome, r.stream])).toEqual([['responses', 'local', 'success', true], ['responses', 'local', 'success', true]])
  }, 120_000)
})

describe('codex exec → gateway /v1/responses → Anthropic backend', () => {
  let upstream: MockUpstream
  let gw: TestGateway

  beforeAll(async () => {
    upstream = await startMockUpstream(anthropicAgent)
    gw = await startTestGateway({ listen: true, env: { ANTHROPIC_API_KEY: 'upstream-anthropic', ANTHROPIC_BASE_URL: `${upstream.url}/anthropic` } })
  })
  afterAll(async () => {
    await gw.close()
    await upstream.close()
  })

  it('completes the same task on Claude: tool_use out, tool_result back, the answer through', async () => {
    const work = mkdtempSync(join(tmpdir(), 'manifold-codex-work-'))
    writeFileSync(join(work, 'note.txt'), 'manifold-secret-42\n')
    const key = await gw.createKey({ name: 'codex' })
    const run = await runCodex({ baseURL: `${gw.url}/v1`, key, model: 'anthropic/claude-sonnet-4-6', prompt: 'Read note.txt and tell me what it says.', cwd: work, timeoutMs: 90_000 })
    if (run.code !== 0) console.error(run.stderr.slice(-4000), run.stdout.slice(-2000))
    expect(run.code).toBe(0)
    expect(run.lastMessage.trim()).toBe('The note says manifold-secret-42.')
    const calls = upstream.requests.filter((r) => r.path === '/anthropic/v1/messages')
    expect(calls.length).toBe(2)
    const second = JSON.stringify(calls[1]!.body)
    expect(second).toContain('"tool_use_id":"toolu_codex_1"')
    expect(second).toContain('manifold-secret-42')
  }, 120_000)
})
