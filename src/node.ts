import { accessSync, constants as fsConstants, createReadStream, existsSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join, resolve } from 'node:path'
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks'
import { lookup as dnsLookup, type LookupAddress } from 'node:dns'
import { Server as HttpServer, type ServerResponse } from 'node:http'
import { Server as NetServer } from 'node:net'
import { Readable } from 'node:stream'
import { setFlagsFromString } from 'node:v8'
import { fileURLToPath } from 'node:url'
import { serve, upgradeWebSocket } from '@hono/node-server'
import { Agent, fetch as undiciFetch } from 'undici'
import { WebSocketServer } from 'ws'
import { preloadProviders } from '../providers/index.js'
import { createApp } from './app.js'
import { assembleDeps } from './assemble.js'
import { buildConfig, ConfigError, parseFileConfig, type Config, type Env } from './config.js'
import { checkProviderReferences, noProviderWarning } from './config-checks.js'
import type { AppDeps } from './deps.js'
import { JobRunner } from './jobs/runner.js'
import { startBodySweep } from './metering/request-bodies.js'
import { consoleLogger, type Logger } from './log.js'
import { batchedLogSink } from './node-log-sink.js'
import { heapGrowthFlag } from './heap-growth.js'
import { nodeCallerSignal } from './node-caller-signal.js'
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

function isManifoldPackage(file: string): boolean {
  try {
    return (JSON.parse(readFileSync(file, 'utf8')) as { name?: unknown }).name === 'manifold'
  } catch {
    return false
  }
}

/** The nearest folder from `from` upward that is the gateway's project (its package.json) or holds its database. */
export function findProjectRoot(from: string): string | undefined {
  for (let dir = resolve(from); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'data', 'manifold.db')) || isManifoldPackage(join(dir, 'package.json'))) return dir
    if (dirname(dir) === dir) return undefined
  }
}

/**
 * Where the server and the CLI find the database: MANIFOLD_DB, else data/manifold.db in the project root
 * found from `cwd` upward; undefined when neither exists (the server then uses ./data/manifold.db).
 */
export function findDatabasePath(env: Env, cwd: string = process.cwd()): string | undefined {
  if (env.MANIFOLD_DB === ':memory:') return env.MANIFOLD_DB
  if (env.MANIFOLD_DB) return resolve(cwd, env.MANIFOLD_DB)
  const root = findProjectRoot(cwd)
  return root === undefined ? undefined : join(root, 'data', 'manifold.db')
}

export function loadConfig(env: Env): Config {
  const path = env.MANIFOLD_CONFIG
  let file: Config['file'] | undefined
  if (path) {
    let raw: unknown
    try {
      raw = JSON.parse(readFileSync(path, 'utf8'))
    } catch (err) {
      throw new ConfigError(`MANIFOLD_CONFIG: cannot read ${path} as JSON: ${err instanceof Error ? err.message : String(err)}`)
    }
    file = parseFileConfig(raw, path)
  }
  const config = buildConfig(env, file)
  return { ...config, dbPath: findDatabasePath(env) ?? resolve(config.dbPath) }
}

/** A database path that cannot work (a folder, under a file, not writable): one line with the problem and the fix. */
function checkDatabasePath(path: string): void {
  if (path === ':memory:') return
  const fix = 'set MANIFOLD_DB to a writable file path such as ./data/manifold.db'
  if (existsSync(path) && statSync(path).isDirectory()) {
    throw new ConfigError(`database path ${path} is a directory, not a file: ${fix} (for example ${join(path, 'manifold.db')})`)
  }
  let existing = path
  while (!existsSync(existing)) existing = dirname(existing)
  if (existing !== path && !statSync(existing).isDirectory()) {
    throw new ConfigError(`database path ${path} cannot be created: ${existing} is a file, not a folder; ${fix}`)
  }
  try {
    accessSync(existing, fsConstants.W_OK)
  } catch {
    throw new ConfigError(`database path ${path} is not writable (no write permission on ${existing}): ${fix}, or give this user write access`)
  }
}

/** Opens (and migrates) the database, turning SQLite's refusals (not a database, locked, read-only) into one line. */
export function openDatabase(path: string, options: { usageWriterThread?: boolean } = {}): ReturnType<typeof openSqliteStore> {
  checkDatabasePath(path)
  try {
    return openSqliteStore({ path, migrationsFolder: join(projectRoot(), 'migrations'), ...options })
  } catch (err) {
    const code = (err as { code?: unknown }).code
    if (typeof code !== 'string' || !code.startsWith('SQLITE_')) throw err
    throw new ConfigError(`database ${path} cannot be used (${(err as Error).message}): set MANIFOLD_DB to a Manifold database file, or to a new path to start a fresh one`)
  }
}

/** Listen failures a person can fix, in one line; anything else keeps its own error. */
function listenError(err: unknown, host: string, port: number): unknown {
  const code = (err as { code?: unknown }).code
  if (code === 'EADDRINUSE') return new ConfigError(`port ${port} on ${host} is already in use: stop the process using it, or set PORT to a free port`)
  if (code === 'EACCES') return new ConfigError(`no permission to listen on port ${port}: set PORT to 1024 or above`)
  if (code === 'EADDRNOTAVAIL') return new ConfigError(`HOST ${host} is not an address of this machine: set HOST to one of its addresses, such as 127.0.0.1`)
  return err
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

/** @scalar/api-reference's browser bundle, streamed from node_modules for each request (never held in memory). */
export async function apiReferenceScript(): Promise<ReadableStream<Uint8Array>> {
  const path = createRequire(import.meta.url).resolve('@scalar/api-reference/browser/standalone.js')
  const file = createReadStream(path)
  // Opened before answering, so a missing file is a clear error rather than a cut response.
  await new Promise<void>((opened, failed) => {
    file.once('open', () => opened())
    file.once('error', failed)
  })
  return Readable.toWeb(file) as ReadableStream<Uint8Array>
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

export interface DrainingServer {
  /**
   * Stops accepting connections and answers everything that reached a socket before the call; responses
   * written from now on carry `Connection: close`; idle sockets are closed once what clients already sent has
   * been read. Resolves when every connection has ended, or after `graceMs` (then the rest are cut).
   */
  drain(graceMs: number): Promise<void>
}

/** Runs `fn` once the event loop has polled twice, i.e. after every byte already in a socket's buffer was read. */
function afterPendingReads(fn: () => void): void {
  setImmediate(() => setImmediate(fn))
}

/**
 * Graceful drain for Node's HTTP server. `server.close()` closes idle keep-alive sockets at once, and a
 * socket is "idle" until Node has read the request waiting in it, so requests fully sent but not yet read
 * were reset (issue 11, item 8). Here the listener stops first, idle sockets are closed only after the loop
 * has read what was pending, and every later response tells keep-alive clients to go.
 */
export function drainableServer(server: HttpServer): DrainingServer {
  let draining = false
  const unfinished = new Set<ServerResponse>()
  const sayClose = (res: ServerResponse) => {
    if (!res.headersSent) res.setHeader('connection', 'close')
  }
  server.prependListener('request', (_req, res: ServerResponse) => {
    if (draining) sayClose(res)
    unfinished.add(res)
    res.once('close', () => {
      unfinished.delete(res)
      // A keep-alive response whose headers went out before the signal leaves its socket idle: close it.
      if (draining) afterPendingReads(() => server.closeIdleConnections())
    })
  })
  return {
    async drain(graceMs) {
      draining = true
      for (const res of unfinished) sayClose(res)
      // net.Server's close stops listening without http.Server's immediate closeIdleConnections().
      const closed = new Promise<void>((done) => NetServer.prototype.close.call(server, () => done()))
      afterPendingReads(() => server.closeIdleConnections())
      const timer = setTimeout(() => server.closeAllConnections(), graceMs)
      await closed
      clearTimeout(timer)
    },
  }
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
  const prompts = new PromptCatalog(readPromptFiles(config.promptsDir))
  const noProvider = noProviderWarning(config)
  if (noProvider) log.warn(noProvider)
  const promptModels = () => prompts.names().flatMap((name) => prompts.versions(name))
  checkProviderReferences(config, env.MANIFOLD_CONFIG ?? 'config', promptModels())
  // The server writes usage batches on a worker thread: a flush never holds the event loop.
  const store = openDatabase(config.dbPath, { usageWriterThread: true })
  const adminKeyHash = await ensureAdminKeyHash(store, config.adminKey, log, (secret) => {
    process.stdout.write(`\nManifold admin key (shown once, store it now): ${secret}\n\n`)
  })
  logPromptReport(log, config.promptsDir, prompts.report)
  // The SDKs' upstream calls go through undici's request API: several times cheaper than the global fetch.
  const upstream = createNodeFetch()
  const runtime = nodeRuntimeSampler({ process, monitorEventLoopDelay, PerformanceObserver })
  const deps = assembleDeps({
    config, store, log, adminKeyHash, prompts, apiReferenceScript, fetch: upstream.fetch, callerSignal: nodeCallerSignal,
    resolveHost: resolveHostAddresses, callbackFetch: checkedCallbackFetch(config.callbackAllow), upgradeWebSocket,
    tracing: observabilitySettings(env).tracing, runtime,
  })
  const app = createApp(deps)
  const jobs = new JobRunner({ deps, call: (request, callEnv) => app.fetch(request, callEnv), ...jobRunnerTuning(env) })

  const websocket = new WebSocketServer({ noServer: true, maxPayload: config.bodyLimitBytes, handleProtocols: (offered) => selectProtocol(offered) })
  const server = serve({ fetch: app.fetch, hostname: config.host, port: config.port, websocket: { server: websocket } })
  if (!(server instanceof HttpServer)) throw new Error('expected an HTTP/1.1 server from @hono/node-server')
  const drainable = drainableServer(server)
  try {
    await new Promise<void>((resolveListen, reject) => {
      server.once('listening', resolveListen)
      server.once('error', reject)
    })
  } catch (err) {
    await deps.usage.close()
    await store.close()
    await upstream.close()
    throw listenError(err, config.host, config.port)
  }
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : config.port
  const url = `http://${config.host}:${port}`
  log.info('manifold listening', { url, providers: [...deps.providers.keys()], db: resolve(config.dbPath) })
  jobs.start()
  const stopBodySweep = startBodySweep(deps)
  preloadProviders(deps.providers, (provider, err) => log.error('provider SDK failed to load', { provider, error: err instanceof Error ? err.message : String(err) }))

  let stopping: Promise<void> | undefined
  async function shutdown(graceMs = 10_000): Promise<void> {
    stopping ??= (async () => {
      const drained = drainable.drain(graceMs)
      for (const socket of websocket.clients) socket.close(1001, 'server shutting down')
      // Unfinished jobs go back to the queue (and undelivered callbacks stay due) for the next start.
      const jobsStopped = jobs.stop(graceMs)
      stopBodySweep()
      await drained
      await jobsStopped
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
    try {
      checkProviderReferences(config, env.MANIFOLD_CONFIG ?? 'config', promptModels())
    } catch (err) {
      // A running gateway keeps running; calls to that prompt answer 400 provider_not_enabled until it is fixed.
      if (!(err instanceof ConfigError)) throw err
      log.error('prompt model not reachable', { error: err.message })
    }
    return report
  }

  return { deps, url, shutdown, reloadPrompts }
}

/** The process entry: start, then drain on SIGTERM/SIGINT and reload prompts on SIGHUP (also run by scripts/start.js). */
export async function main(): Promise<void> {
  const heapFlag = heapGrowthFlag(process.execArgv, process.env.NODE_OPTIONS)
  if (heapFlag) setFlagsFromString(heapFlag)
  let gateway: NodeGateway
  let log: Logger = consoleLogger()
  try {
    const settings = observabilitySettings(process.env)
    const sink = batchedLogSink()
    // stdout is synchronous on files and pipes on Linux, so what is pending at exit still gets out.
    process.on('exit', sink.flush)
    log = consoleLogger({ level: settings.logLevel, format: settings.logFormat, write: sink.write })
    gateway = await startNodeGateway(process.env, log)
  } catch (err) {
    if (err instanceof ConfigError) {
      log.error(err.message)
      process.exit(78)
    }
    throw err
  }
  const onSignal = (signal: string) => {
    // Logged once the listener is closed (shutdown starts synchronously): the line means "no new connections".
    const stopped = gateway.shutdown()
    log.info('shutting down', { signal })
    stopped.then(() => process.exit(0), (err: unknown) => {
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
