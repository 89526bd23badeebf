import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const CODEX = join(import.meta.dirname, '..', '..', 'node_modules', '.bin', 'codex')

export interface CodexRun {
  code: number | null
  stdout: string
  stderr: string
  /** What the agent said last (`--output-last-message`). */
  lastMessage: string
}

/**
 * Runs `codex exec` offline against a gateway: a throwaway CODEX_HOME whose config.toml names one model
 * provider (the gateway, wire_api = "responses", the virtual key from an env var), analytics, feedback,
 * plugins and apps off, and proxy variables pointing nowhere so nothing leaves the machine.
 */
export async function runCodex(options: { baseURL: string; key: string; model: string; prompt: string; cwd: string; timeoutMs: number }): Promise<CodexRun> {
  const home = mkdtempSync(join(tmpdir(), 'manifold-codex-home-'))
  writeFileSync(join(home, 'config.toml'), [
    `model = ${JSON.stringify(options.model)}`,
    'model_provider = "manifold"',
    'approval_policy = "never"',
    'sandbox_mode = "danger-full-access"',
    '',
    '[model_providers.manifold]',
    'name = "Manifold"',
    `base_url = ${JSON.stringify(options.baseURL)}`,
    'env_key = "MANIFOLD_API_KEY"',
    'wire_api = "responses"',
    'request_max_retries = 0',
    'stream_max_retries = 0',
    '',
    '[analytics]',
    'enabled = false',
    '',
    '[feedback]',
    'enabled = false',
    '',
    '[features]',
    'plugins = false',
    'apps = false',
    '',
  ].join('\n'))
  const lastMessageFile = join(home, 'last-message.txt')
  const child = spawn(CODEX, ['exec', '--skip-git-repo-check', '--color', 'never', '--output-last-message', lastMessageFile, options.prompt], {
    cwd: options.cwd,
    env: {
      PATH: process.env.PATH, HOME: home, CODEX_HOME: home, MANIFOLD_API_KEY: options.key,
      HTTPS_PROXY: 'http://127.0.0.1:9', HTTP_PROXY: 'http://127.0.0.1:9', NO_PROXY: '127.0.0.1,localhost', RUST_LOG: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (d: Buffer) => { stdout += d.toString() })
  child.stderr.on('data', (d: Buffer) => { stderr += d.toString() })
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs)
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve))
  clearTimeout(timer)
  let lastMessage = ''
  try {
    lastMessage = readFileSync(lastMessageFile, 'utf8')
  } catch {
    // no last message: the run failed before the agent answered
  }
  return { code, stdout, stderr, lastMessage }
}
