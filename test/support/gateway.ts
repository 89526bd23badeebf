import { join } from 'node:path'
import type { AddressInfo } from 'node:net'
import { serve, type ServerType } from '@hono/node-server'
import type { Hono } from 'hono'
import type { AppEnv } from '../../src/app-env.js'
import { createApp } from '../../src/app.js'
import { assembleDeps, type AssembleOptions } from '../../src/assemble.js'
import type { Clock } from '../../src/clock.js'
import { buildConfig, parseFileConfig, type Env } from '../../src/config.js'
import type { AppDeps } from '../../src/deps.js'
import { silentLogger, type Logger } from '../../src/log.js'
import { nodeCallerSignal } from '../../src/node-caller-signal.js'
import { createNodeFetch } from '../../src/node-fetch.js'
import { createKey, type KeyFields } from '../../src/security/key-service.js'
import { hashKey } from '../../src/security/keys.js'
import { openSqliteStore } from '../../src/store/sqlite.js'

export const ADMIN_KEY = 'mk-test-admin-key-0123456789abcdefghijklmnop'
export const MIGRATIONS = join(import.meta.dirname, '..', '..', 'migrations')

export interface TestGatewayOptions {
  /** Environment as the gateway would read it (provider keys and base URLs pointing at a mock). */
  env?: Env
  /** The JSON config file's content. */
  file?: unknown
  clock?: Clock
  /** Serve on a loopback port (for real clients); otherwise use `app.request`. */
  listen?: boolean
  /** Where the gateway logs (silent by default). */
  log?: Logger
  /** Extra dependencies for assembleDeps (a prompt catalog, the docs script, the production upstream fetch, providers, tracing). */
  assemble?: Pick<AssembleOptions, 'prompts' | 'apiReferenceScript' | 'fetch' | 'providers' | 'tracing' | 'exportFetch' | 'runtime'>
}

export interface TestGateway {
  app: Hono<AppEnv>
  deps: AppDeps
  /** http://127.0.0.1:PORT when listening. */
  url: string
  adminKey: string
  /** Issues a virtual key and returns its secret. */
  createKey(fields?: Partial<KeyFields>): Promise<string>
  /** `app.request` with the admin or given key. */
  request(path: string, init?: RequestInit & { key?: string | null }): Promise<Response>
  close(): Promise<void>
}

/** An app on an in-memory SQLite store, with providers pointed wherever `env` says. */
export async function startTestGateway(options: TestGatewayOptions = {}): Promise<TestGateway> {
  const env: Env = { MANIFOLD_ADMIN_KEY: ADMIN_KEY, ...options.env }
  const config = buildConfig(env, parseFileConfig(options.file ?? {}, 'test'))
  const store = openSqliteStore({ path: ':memory:', migrationsFolder: MIGRATIONS })
  // The production upstream client (src/node-fetch.ts) and client-gone signal, as src/node.ts wires them.
  const upstream = createNodeFetch()
  const deps = assembleDeps({ config, store, log: options.log ?? silentLogger, adminKeyHash: await hashKey(ADMIN_KEY), clock: options.clock, fetch: upstream.fetch, callerSignal: nodeCallerSignal, ...options.assemble })
  const app = createApp(deps)

  let server: ServerType | undefined
  let url = ''
  if (options.listen) {
    server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 })
    await new Promise<void>((resolve) => server!.once('listening', () => resolve()))
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  }

  return {
    app,
    deps,
    url,
    adminKey: ADMIN_KEY,
    async createKey(fields = {}) {
      const { secret } = await createKey(deps, { name: 'test', ...fields })
      return secret
    },
    request(path, init = {}) {
      const { key = ADMIN_KEY, headers, ...rest } = init
      const merged = new Headers(headers)
      if (key !== null && !merged.has('authorization')) merged.set('authorization', `Bearer ${key}`)
      return Promise.resolve(app.request(path, { ...rest, headers: merged }))
    },
    async close() {
      if (server) {
        const s = server
        await new Promise<void>((resolve) => {
          if ('closeAllConnections' in s) s.closeAllConnections()
          s.close(() => resolve())
        })
      }
      await deps.usage.close()
      await deps.observability.flush()
      await store.close()
      await upstream.close()
    },
  }
}
