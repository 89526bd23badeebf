import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { agentReply, toolResultIn } from '../support/agent-upstream.js'
import { startClientsHarness, type ClientsHarness } from '../support/clients-harness.js'

const CLAUDE = join(import.meta.dirname, '..', '..', 'node_modules', '.bin', 'claude')

interface Run { code: number | null; stdout: string; stderr: string }

/** `claude -p` offline: a throwaway HOME, no telemetry, a proxy that goes nowhere except to loopback. */
function runClaude(cwd: string, home: string, env: Record<string, string>, prompt: string): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(CLAUDE, ['-p', prompt, '--model', 'claude-sonnet-4-5', '--allowedTools', 'Read', '--output-format', 'text'], {
      cwd,
      env: {
        PATH: process.env.PATH ?? '', HOME: home,
        CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1', DISABLE_AUTOUPDATER: '1',
        HTTPS_PROXY: 'http://127.0.0.1:9', HTTP_PROXY: 'http://127.0.0.1:9', NO_PROXY: '127.0.0.1,localhost',
        ANTHROPIC_SMALL_FAST_MODEL: 'claude-haiku-4-5',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString() })
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString() })
    const timer = setTimeout(() => child.kill('SIGKILL'), 90_000)
    child.on('close', (code) => {
      clearTimeout(timer)
      resolve({ code, stdout, stderr })
    })
  })
}

/**
 * Claude Code (the real CLI, run non-interactively) through /v1/messages to an OpenAI backend on the mock
 * upstream, its model names aliased: the model asks to Read a file, Claude Code runs the tool, and the
 * answer comes once the file's content is back in the conversation.
 */
describe('Claude Code → Manifold → OpenAI backend', () => {
  let h: ClientsHarness
  let work: string
  let home: string

  beforeAll(async () => {
    h = await startClientsHarness({ aliases: { 'claude-sonnet-4-5': 'openai/gpt-4o-mini', 'claude-haiku-4-5': 'openai/gpt-4o-mini' } })
    work = mkdtempSync(join(tmpdir(), 'manifold-cc-work-'))
    home = mkdtempSync(join(tmpdir(), 'manifold-cc-home-'))
    writeFileSync(join(work, 'note.txt'), 'the secret word is pelican\n')
    h.upstream.setHandler((req) => agentReply({
      tool: { name: 'Read', arguments: { file_path: join(work, 'note.txt') } },
      answer: (result) => `The note says: ${/secret word is (\w+)/.exec(result)?.[1] ?? 'nothing'}`,
    }, req))
  })
  afterAll(async () => {
    await h.close()
    rmSync(work, { recursive: true, force: true })
    rmSync(home, { recursive: true, force: true })
  })

  it.each([
    ['ANTHROPIC_AUTH_TOKEN (Bearer)', 'ANTHROPIC_AUTH_TOKEN'],
    ['ANTHROPIC_API_KEY (x-api-key)', 'ANTHROPIC_API_KEY'],
  ])('completes a one-tool task with the key as %s', async (_label, variable) => {
    h.upstream.requests.length = 0
    const run = await runClaude(work, home, { ANTHROPIC_BASE_URL: h.gw.url, [variable]: h.key }, 'What is the secret word in note.txt?')
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    expect(run.stdout.trim()).toBe('The note says: pelican')

    const calls = h.received('openai').filter((r) => r.path === '/v1/chat/completions')
    expect(calls).toHaveLength(2)
    // The second call carries the file's content as the tool result of the first call's tool call.
    const second = calls[1]!.body as { messages: Array<{ role: string; tool_call_id?: string }> }
    expect(second.messages.find((m) => m.role === 'tool')!.tool_call_id).toBe('call_agent_1')
    expect(toolResultIn(second)).toContain('the secret word is pelican')
    for (const call of calls) {
      const body = call.body as Record<string, unknown>
      // 32000 from Claude Code, clamped to gpt-4o-mini's output limit; Anthropic-only fields and thinking (a model
      // that does not reason) dropped.
      expect(body.max_completion_tokens).toBe(16384)
      expect(body.stream).toBe(true)
      for (const field of ['thinking', 'reasoning_effort', 'context_management', 'metadata', 'user', 'max_tokens']) expect(body).not.toHaveProperty(field)
      expect(call.rawBody).not.toContain('cache_control')
    }

    await h.gw.deps.usage.flush()
    const rows = (await h.gw.deps.store.db.query.usage.findMany()).slice(-2)
    expect(rows.map((r) => [r.surface, r.model, r.outcome, r.stream])).toEqual([
      ['messages', 'openai/gpt-4o-mini', 'success', true],
      ['messages', 'openai/gpt-4o-mini', 'success', true],
    ])
  }, 120_000)
})
