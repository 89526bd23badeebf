import { spawn, type ChildProcess } from 'node:child_process'
import { join } from 'node:path'

export const ROOT = join(import.meta.dirname, '..', '..')

export interface ChildGateway {
  process: ChildProcess
  url: string
  stdout: () => string
  stderr: () => string
  /** Resolves with the exit code (or signal name). */
  exited: Promise<number | string>
}

function spawnGateway(env: Record<string, string>, cwd: string) {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src', 'node.ts')], {
    cwd,
    env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  let err = ''
  child.stdout!.on('data', (d: Buffer) => { out += d.toString() })
  child.stderr!.on('data', (d: Buffer) => { err += d.toString() })
  const exited = new Promise<number | string>((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal ?? -1)))
  return { child, stdout: () => out, stderr: () => err, exited }
}

/** Runs the real Node entry (src/node.ts through tsx) as its own process, as `npm start` would. */
export async function startChildGateway(env: Record<string, string>, timeoutMs = 30_000, cwd = ROOT): Promise<ChildGateway> {
  const { child, stdout, stderr, exited } = spawnGateway(env, cwd)
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`gateway did not start in time:\n${stdout()}\n${stderr()}`)), timeoutMs)
    const check = () => {
      const match = /"msg":"manifold listening","url":"([^"]+)"/.exec(stdout())
      if (match) {
        clearTimeout(timer)
        resolve(match[1]!)
      }
    }
    child.stdout!.on('data', check)
    void exited.then((code) => {
      clearTimeout(timer)
      reject(new Error(`gateway exited (${code}) before listening:\n${stdout()}\n${stderr()}`))
    })
  })
  return { process: child, url, stdout, stderr, exited }
}

export interface FailedStart {
  code: number | string
  stdout: string
  stderr: string
}

/** Runs the Node entry expecting it to refuse to start; kills it if it starts listening instead. */
export async function failedChildStart(env: Record<string, string>, timeoutMs = 30_000): Promise<FailedStart> {
  const { child, stdout, stderr, exited } = spawnGateway(env, ROOT)
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
  child.stdout!.on('data', () => {
    if (stdout().includes('"msg":"manifold listening"')) child.kill('SIGKILL')
  })
  const code = await exited
  clearTimeout(timer)
  return { code, stdout: stdout(), stderr: stderr() }
}
