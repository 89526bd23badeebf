import { existsSync, readFileSync, realpathSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { serve } from '@hono/node-server'
import { createApp } from './app.js'
import { assembleDeps } from './assemble.js'
import { buildConfig, ConfigError, parseFileConfig, type Config, type Env } from './config.js'
import type { AppDeps } from './deps.js'
import { consoleLogger, type Logger } from './log.js'
import { ensureAdminKeyHash } from './security/admin-key.js'
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

export interface NodeGateway {
  deps: AppDeps
  url: string
  /** Stops accepting, lets in-flight calls finish (up to `graceMs`), flushes usage, closes the database. */
  shutdown(graceMs?: number): Promise<void>
}

export async function startNodeGateway(env: Env = process.env, log: Logger = consoleLogger()): Promise<NodeGateway> {
  const config = loadConfig(env)
  const store = openSqliteStore({ path: config.dbPath, migrationsFolder: join(projectRoot(), 'migrations') })
  const adminKeyHash = await ensureAdminKeyHash(store, config.adminKey, log, (secret) => {
    process.stdout.write(`\nManifold admin key (shown once, store it now): ${secret}\n\n`)
  })
  const deps = assembleDeps({ config, store, log, adminKeyHash })
  const app = createApp(deps)

  const server = serve({ fetch: app.fetch, hostname: config.host, port: config.port })
  await new Promise<void>((resolveListen, reject) => {
    server.once('listening', resolveListen)
    server.once('error', reject)
  })
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : config.port
  const url = `http://${config.host}:${port}`
  log.info('manifold listening', { url, providers: [...deps.providers.keys()], db: resolve(config.dbPath) })

  let stopping: Promise<void> | undefined
  async function shutdown(graceMs = 10_000): Promise<void> {
    stopping ??= (async () => {
      const closed = new Promise<void>((done) => server.close(() => done()))
      if ('closeIdleConnections' in server) server.closeIdleConnections()
      const timer = setTimeout(() => {
        if ('closeAllConnections' in server) server.closeAllConnections()
      }, graceMs)
      await closed
      clearTimeout(timer)
      await deps.usage.close()
      await store.close()
    })()
    return stopping
  }

  return { deps, url, shutdown }
}

async function main(): Promise<void> {
  const log = consoleLogger()
  let gateway: NodeGateway
  try {
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
}

if (process.argv[1] && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) {
  void main()
}
