/* global AbortSignal */
// Starting and stopping the processes under test: the mock, the floor, Manifold as users run it, and
// Portkey's gateway (installed on demand into bench/portkey/). Each is its own process on 127.0.0.1.
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { startNodeFlags } from '../scripts/start.js'

export const BENCH_DIR = dirname(fileURLToPath(import.meta.url))
export const ROOT = dirname(BENCH_DIR)
export const PORTKEY_DIR = join(BENCH_DIR, 'portkey')
export const PORTKEY_VERSION = '1.15.2'
export const PORTKEY_NODE_SERVER = '1.13.5'
const ADMIN_KEY = 'mk-admin-bench-0123456789abcdef'

export const freePort = () => new Promise((resolvePort, reject) => {
  const server = createServer()
  server.once('error', reject)
  server.listen(0, '127.0.0.1', () => {
    const { port } = server.address()
    server.close(() => resolvePort(port))
  })
})

/**
 * Spawns `node …args` and waits until `ready(line)` returns a URL for a stdout line, or until `probeUrl`
 * accepts a TCP connection. Output is kept (last 8 KB) for the error message when a start fails.
 */
function startNode(name, args, { env = {}, cwd = ROOT, ready, probeUrl, timeoutMs = 30_000 }) {
  const child = spawn(process.execPath, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  const keep = (data) => { output = (output + data.toString()).slice(-8192) }
  child.stderr.on('data', keep)
  const exited = new Promise((resolveExit) => child.once('exit', (code, signal) => resolveExit({ code, signal })))
  const system = {
    name, pid: child.pid, child, url: undefined, exited,
    output: () => output,
    async stop(signal = 'SIGTERM', graceMs = 15_000) {
      if (child.exitCode !== null || child.signalCode !== null) return exited
      child.kill(signal)
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs)
      const result = await exited
      clearTimeout(timer)
      return result
    },
  }
  return new Promise((resolveStart, reject) => {
    const fail = (why) => {
      clearTimeout(timer)
      child.kill('SIGKILL')
      reject(new Error(`${name} did not start: ${why}\n${output.trim().slice(-2000)}`))
    }
    const timer = setTimeout(() => fail(`no sign of life within ${timeoutMs} ms`), timeoutMs)
    let buffered = ''
    child.stdout.on('data', (data) => {
      keep(data)
      if (system.url || !ready) return
      buffered += data.toString()
      let newline
      while ((newline = buffered.indexOf('\n')) >= 0) {
        const url = ready(buffered.slice(0, newline))
        buffered = buffered.slice(newline + 1)
        if (url) {
          clearTimeout(timer)
          system.url = url
          resolveStart(system)
          return
        }
      }
    })
    void exited.then(({ code, signal }) => { if (!system.url) fail(`exited early (code ${code}, signal ${signal})`) })
    if (probeUrl) {
      const probe = async () => {
        for (let i = 0; i < timeoutMs / 100 && !system.url && child.exitCode === null; i++) {
          try {
            await fetch(probeUrl, { signal: AbortSignal.timeout(1000) })
            clearTimeout(timer)
            system.url = new URL(probeUrl).origin
            resolveStart(system)
            return
          } catch {
            await new Promise((r) => setTimeout(r, 100))
          }
        }
      }
      void probe()
    }
  })
}

const jsonLineUrl = (msg) => (line) => {
  try {
    const parsed = JSON.parse(line)
    return parsed.msg === msg ? parsed.url : undefined
  } catch {
    return undefined
  }
}

export function startMock() {
  return startNode('mock', [join(BENCH_DIR, 'mock-upstream.js')], { ready: jsonLineUrl('mock listening') })
}

export function startFloor(mockUrl, nodeArgs = []) {
  return startNode('floor', [...nodeArgs, join(BENCH_DIR, 'floor.js')], { env: { UPSTREAM: mockUrl, PORT: '0' }, ready: jsonLineUrl('floor listening') })
}

function newestMtime(dir) {
  let newest = 0
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(path))
    else if (entry.name.endsWith('.ts') || entry.name.endsWith('.json')) newest = Math.max(newest, statSync(path).mtimeMs)
  }
  return newest
}

/** `npm run build` when asked, or when dist/ is missing or older than the sources. */
export function buildManifold({ force = false, onlyIfMissing = false } = {}) {
  const entry = join(ROOT, 'dist', 'src', 'node.js')
  const missing = !existsSync(entry)
  const stale = missing || statSync(entry).mtimeMs < Math.max(newestMtime(join(ROOT, 'src')), newestMtime(join(ROOT, 'providers')))
  if (!force && !stale) return { built: false }
  if (!force && !missing && onlyIfMissing) return { built: false, warning: 'dist/ is older than the sources; measuring it as it is (pass --build to rebuild)' }
  const result = spawnSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, encoding: 'utf8', timeout: 300_000 })
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}`.trim()
  // tsc still emits on type errors; a tree mid-edit elsewhere should not stop a benchmark of what did build.
  if (result.status !== 0 && !existsSync(entry)) throw new Error(`npm run build failed:\n${output.slice(-3000)}`)
  return { built: true, warning: result.status !== 0 ? `npm run build reported errors:\n${output.slice(0, 1500)}` : undefined }
}

/** The fan-out routes of scenario (d): targets on the mock's /d20, /d50 and /d80 paths. */
export function fanOutConfig(mockUrl) {
  const provider = (ms) => ({ type: 'openai', base_url: `${mockUrl}/d${ms}/v1` })
  return {
    providers: { m20: provider(20), m50: provider(50), m80: provider(80) },
    routes: {
      fan2: { strategy: 'all', targets: ['m20/gpt-4o-mini', 'm50/gpt-4o-mini'] },
      fan3: { strategy: 'all', targets: ['m20/gpt-4o-mini', 'm50/gpt-4o-mini', 'm80/gpt-4o-mini'] },
    },
  }
}

/** Manifold as users run it (`node <npm start's flags> dist/src/node.js`), on a temp database, with one virtual key. */
export async function startManifold(mockUrl, nodeArgs = []) {
  const dir = mkdtempSync(join(tmpdir(), 'manifold-bench-'))
  const dbPath = join(dir, 'bench.db')
  const configPath = join(dir, 'config.json')
  writeFileSync(configPath, JSON.stringify(fanOutConfig(mockUrl), null, 2))
  const system = await startNode('manifold', [...startNodeFlags(ROOT), ...nodeArgs, join(ROOT, 'dist', 'src', 'node.js')], {
    env: {
      PORT: '0', HOST: '127.0.0.1', MANIFOLD_DB: dbPath, MANIFOLD_ADMIN_KEY: ADMIN_KEY, MANIFOLD_CONFIG: configPath,
      OPENAI_API_KEY: 'sk-bench', OPENAI_BASE_URL: `${mockUrl}/v1`, NODE_ENV: 'production',
    },
    ready: jsonLineUrl('manifold listening'),
  })
  const res = await fetch(`${system.url}/admin/keys`, {
    method: 'POST', headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'bench' }),
  })
  const created = await res.json()
  if (res.status !== 201 || typeof created.key !== 'string') {
    await system.stop('SIGKILL')
    throw new Error(`manifold: POST /admin/keys answered ${res.status} ${JSON.stringify(created)}`)
  }
  return Object.assign(system, { key: created.key, adminKey: ADMIN_KEY, dbPath, cleanup: () => rmSync(dir, { recursive: true, force: true }) })
}

const installedVersion = (pkg) => {
  try {
    return JSON.parse(readFileSync(join(PORTKEY_DIR, 'node_modules', pkg, 'package.json'), 'utf8')).version
  } catch {
    return undefined
  }
}

/** Installs Portkey's gateway into bench/portkey/ unless it is there already; never into the project. */
export function ensurePortkey(log) {
  if (installedVersion('@portkey-ai/gateway') === PORTKEY_VERSION && installedVersion('@hono/node-server') === PORTKEY_NODE_SERVER) {
    return { ok: true, installed: false }
  }
  log(`installing @portkey-ai/gateway@${PORTKEY_VERSION} into bench/portkey/ …`)
  mkdirSync(PORTKEY_DIR, { recursive: true })
  writeFileSync(join(PORTKEY_DIR, 'package.json'), `${JSON.stringify({
    private: true,
    description: 'Portkey\'s gateway for the benchmark, installed on demand by bench/run.js (not a project dependency).',
    dependencies: { '@portkey-ai/gateway': PORTKEY_VERSION, '@hono/node-server': PORTKEY_NODE_SERVER },
    // Newer @hono/node-server versions break its streaming; the override also replaces the copy it nests.
    overrides: { '@hono/node-server': PORTKEY_NODE_SERVER },
  }, null, 2)}\n`)
  const result = spawnSync('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts'], { cwd: PORTKEY_DIR, encoding: 'utf8', timeout: 240_000 })
  if (result.status !== 0 || installedVersion('@portkey-ai/gateway') !== PORTKEY_VERSION) {
    return { ok: false, reason: `npm install failed (${result.error?.message ?? `exit ${result.status}`}): ${(result.stderr || '').trim().split('\n').slice(-3).join(' ')}` }
  }
  return { ok: true, installed: true }
}

/** Portkey's own start script (its package's `start:node`), headless, held to 127.0.0.1 by a preload. */
export async function startPortkey() {
  const port = await freePort()
  const entry = join(PORTKEY_DIR, 'node_modules', '@portkey-ai', 'gateway', 'build', 'start-server.js')
  return startNode('portkey', ['--import', pathToFileURL(join(BENCH_DIR, 'portkey-loopback.js')).href, entry, `--port=${port}`, '--headless'], {
    cwd: PORTKEY_DIR, probeUrl: `http://127.0.0.1:${port}/`,
  })
}
