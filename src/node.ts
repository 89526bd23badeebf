import { existsSync, readdirSync, readFileSync, realpathSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { dirname, join, resolve } from 'node:path'
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks'
import { lookup as dnsLookup, type LookupAddress } from 'node:dns'
import { fileURLToPath } from 'node:url'
import { serve, upgradeWebSocket } from '@hono/node-server'
import { Agent, fetch as undiciFetch } from 'undici'
import { WebSocketServer } from 'ws'
import { createApp } from './app.js'
import { assembleDeps } from './assemble.js'
import { buildConfig, ConfigError, parseFileConfig, type Config, type Env } from './config.js'
import type { AppDeps } from './deps.js'
import { JobRunner } from './jobs/runner.js'
import { consoleLogger, type Logger } from './log.js'
import { createNodeFetch } from './node-fetch.js'
import { nodeRuntimeSampler } from './observability/runtime-metrics.js'
import { observabilitySettings } from './observability/settings.js'
import { PromptCatalog, type LoadReport, type PromptSource } from './prompt-api/catalog.js'
import { ensureAdminKeyHash } from './security/admin-key.js'
import { refusedAddressReason } from './security/ip-ranges.js'
import { isAllowListed } from './security/url-check.js'
import { selectProtocol } from './routes/ws.js'
import { openSqliteStore } from './store/sqlite.js'

/** The folder that holds migrations/, found from this file whether it runs from src/ or dist/src/. */
export function projectRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url))
  for (let i = 0; i < 4; i++) {
    if (existsSync(join(dir, 'migrations', 'meta', '_journal.json'))) return dir
    dir = dirname(dir)
  }
  throw new Error('migrations/ not found next to the gateway')
}

export function loadConfig(env: Env): Config {
  const path = env.MANIFOLD_CONFIG
  if (!path) return buildConfig(env)
  let raw: unknown
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'))
  } catch (err) {
    throw new ConfigError(`MANIFOLD_CONFIG: cannot read ${path} as JSON: ${err instanceof Error ? err.message : String(err)}`)
  }
  return buildConfig(env, parseFileConfig(raw, path))
}

/** The prompt files of a folder: every `*.md` except README.md, not recursive. A missing folder is no prompts. */
export function readPromptFiles(dir: string): PromptSource[] {
  if (!existsSync(dir)) return []
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.md') && entry.name.toLowerCase() !== 'readme.md')
    .map((entry) => ({ file: join(dir, entry.name), text: readFileSync(join(dir, entry.name), 'utf8') }))
}

function logPromptReport(log: Logger, dir: string, report: LoadReport): void {
  log.info('prompt APIs loaded', { dir, loaded: report.loaded, failed: report.errors.length })
  for (const error of report.errors) log.error('prompt file not loaded', { file: error.file, error: error.message })
  for (const warning of report.warnings) log.warn('prompt file warning', { warning })
}

/** @scalar/api-reference's browser bundle, read from node_modules when /docs first asks for it. */
function apiReferenceScript(): Promise<string> {
  return readFile(createRequire(import.meta.url).resolve('@scalar/api-reference/browser/standalone.js'), 'utf8')
}

/** Every address a name has, as the OS resolver (and so the connection) sees it: for callback URL checks. */
export function resolveHostAddresses(hostname: string): Promise<string[]> {
  return new Promise((resolveLookup, reject) => {
    dnsLookup(hostname, { all: true, verbatim: true }, (err, addresses: LookupAddress[]) => {
      if (err) reject(err)
      else resolveLookup(addresses.map((a) => a.address))
    })
  })
}

/**
 * The callback client: its DNS lookup refuses private addresses at the moment of connecting, so a name
 * re-pointed between the check and the POST (DNS rebinding) still cannot reach the private network.
 */
function checkedCallbackFetch(allow: readonly string[]): typeof fetch {
  const dispatcher = new Agent({
    connect: {
      lookup(hostname, options, callback) {
        dnsLookup(hostname, { ...options, all: true, verbatim: true }, (err, addresses: LookupAddress[]) => {
          if (err) return callback(err, [])
          const allowed = isAllowListed(new URL(`http://${hostname.includes(':') ? `[${hostname}]` : hostname}`), allow.map((entry) => entry.replace(/:\d+$/, '')))
          const refused = allowed ? undefined : addresses.find((a) => refusedAddressReason(a.address) !== undefined)
          if (refused) return callback(new Error(`callback host ${hostname} resolves to a refused address`), [])
          if ((options as { all?: boolean }).all) return callback(null, addresses)
          const first = addresses[0]!
          ;(callback as unknown as (e: null, address: string, family: number) => void)(null, first.address, first.family)
        })
      },
    },
  })
  // undici's own fetch with its own dispatcher; its Response is the WHATWG one the app expects.
  return ((input: string, init?: RequestInit) => undiciFetch(input, { ...init, dispatcher } as Parameters<typeof undiciFetch>[1])) as unknown as typeof fetch
}

/** Async job tuning for the Node runner (operators rarely touch these; tests shorten the lease). */
function jobRunnerTuning(env: Env): { concurrency: number; leaseMs: number } {
  const int = (raw: string | undefined, fallback: number) => (raw && /^\d+$/.test(raw) && Number(raw) > 0 ? Number(raw) : fallback)
  return { concurrency: int(env.MANIFOLD_JOB_CONCURRENCY, 4), leaseMs: int(env.MANIFOLD_JOB_LEASE_MS, 15_000) }
}

export interface NodeGateway {
  deps: AppDeps
  url: string
  /** Stops accepting, lets in-flight calls finish (up to `graceMs`), flushes usage, closes the database. */
  shutdown(graceMs?: number): Promise<void>
  /** Reads the prompts folder again (SIGHUP); a bad file is logged and skipped. */
  reloadPrompts(): LoadReport
}

export async function startNodeGateway(env: Env = process.env, log: Logger = consoleLogger()): Promise<NodeGateway> {
  const config = loadConfig(env)
  const store = openSqliteStore({ path: config.dbPath, migrationsFolder: join(projectRoot(), 'migrations') })
  const adminKeyHash = await ensureAdminKeyHash(store, config.adminKey, log, (secret) => {
    process.stdout.write(`\nManifold admin key (shown once, store it now): ${secret}\n\n`)
  })
  const prompts = new PromptCatalog(readPromptFiles(config.promptsDir))
  logPromptReport(log, config.promptsDir, prompts.report)
  // The SDKs' upstream calls go through undici's request API: several times cheaper than the global fetch.
  const upstream = createNodeFetch()
  const runtime = nodeRuntimeSampler({ process, monitorEventLoopDelay, PerformanceObserver })
  const deps = assembleDeps({
    config, store, log, adminKeyHash, prompts, apiReferenceScript, fetch: upstream.fetch,
    resolveHost: resolveHostAddresses, callbackFetch: checkedCallbackFetch(config.callbackAllow), upgradeWebSocket,
    tracing: observabilitySettings(env).tracing, runtime,
  })
  const app = createApp(deps)
  const jobs = new JobRunner({ deps, call: (request, callEnv) => app.fetch(request, callEnv), ...jobRunnerTuning(env) })

  const websocket = new WebSocketServer({ noServer: true, maxPayload: config.bodyLimitBytes, handleProtocols: (offered) => selectProtocol(offered) })
  const server = serve({ fetch: app.fetch, hostname: config.host, port: config.port, websocket: { server: websocket } })
  await new Promise<void>((resolveListen, reject) => {
    server.once('listening', resolveListen)
    server.once('error', reject)
  })
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : config.port
  const url = `http://${config.host}:${port}`
  log.info('manifold listening', { url, providers: [...deps.providers.keys()], db: resolve(config.dbPath) })
  jobs.start()

  let stopping: Promise<void> | undefined
  async function shutdown(graceMs = 10_000): Promise<void> {
    stopping ??= (async () => {
      const closed = new Promise<void>((done) => server.close(() => done()))
      if ('closeIdleConnections' in server) server.closeIdleConnections()
      for (const socket of websocket.clients) socket.close(1001, 'server shutting down')
      // Unfinished jobs go back to the queue (and undelivered callbacks stay due) for the next start.
      const jobsStopped = jobs.stop(graceMs)
      const timer = setTimeout(() => {
        if ('closeAllConnections' in server) server.closeAllConnections()
      }, graceMs)
      await closed
      await jobsStopped
      clearTimeout(timer)
      await deps.usage.close()
      await deps.observability.flush()
      runtime.stop()
      await store.close()
      await upstream.close()
    })()
    return stopping
  }

  function reloadPrompts(): LoadReport {
    const report = prompts.load(readPromptFiles(config.promptsDir))
    logPromptReport(log, config.promptsDir, report)
    return report
  }

  return { deps, url, shutdown, reloadPrompts }
}

async function main(): Promise<void> {
  let gateway: NodeGateway
  let log: Logger = consoleLogger()
  try {
    const settings = observabilitySettings(process.env)
    log = consoleLogger({ level: settings.logLevel, format: settings.logFormat })
    gateway = await startNodeGateway(process.env, log)
  } catch (err) {
    if (err instanceof ConfigError) {
      log.error(err.message)
      process.exit(78)
    }
    throw err
  }
  const onSignal = (signal: string) => {
    log.info('shutting down', { signal })
    gateway.shutdown().then(() => process.exit(0), (err: unknown) => {
      log.error('shutdown failed', { error: err instanceof Error ? err.message : String(err) })
      process.exit(1)
    })
  }
  process.once('SIGTERM', () => onSignal('SIGTERM'))
  process.once('SIGINT', () => onSignal('SIGINT'))
  process.on('SIGHUP', () => {
    try {
      gateway.reloadPrompts()
    } catch (err) {
      log.error('prompt reload failed', { error: err instanceof Error ? err.message : String(err) })
    }
  })
}

if (process.argv[1] && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) {
  void main()
}
