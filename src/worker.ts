import type { D1Database, ExecutionContext } from '@cloudflare/workers-types'
import type { Hono } from 'hono'
import type { AppEnv } from './app-env.js'
import { createApp } from './app.js'
import { assembleDeps } from './assemble.js'
import { buildConfig, parseFileConfig, type Env } from './config.js'
import type { AppDeps } from './deps.js'
import { consoleLogger } from './log.js'
import { ensureAdminKeyHash } from './security/admin-key.js'
import { openD1Store } from './store/d1.js'

/** Bindings from wrangler.toml: the D1 database, plus string vars and secrets (the same names as on Node). */
export interface WorkerBindings {
  DB: D1Database
  /** The JSON config file's content, as a var or secret (Workers have no file system). */
  MANIFOLD_CONFIG_JSON?: string
  [name: string]: unknown
}

interface Instance { deps: AppDeps; app: Hono<AppEnv> }

function stringVars(env: WorkerBindings): Env {
  const out: Env = {}
  for (const [name, value] of Object.entries(env)) if (typeof value === 'string') out[name] = value
  return out
}

async function buildInstance(env: WorkerBindings, fetchImpl?: typeof fetch): Promise<Instance> {
  const vars = stringVars(env)
  const file = vars.MANIFOLD_CONFIG_JSON ? parseFileConfig(JSON.parse(vars.MANIFOLD_CONFIG_JSON), 'MANIFOLD_CONFIG_JSON') : undefined
  const config = buildConfig(vars, file)
  const log = consoleLogger()
  const store = openD1Store(env.DB)
  const adminKeyHash = await ensureAdminKeyHash(store, config.adminKey, log, (secret) => {
    console.log(`Manifold admin key (shown once, store it now): ${secret}`)
  })
  const deps = assembleDeps({ config, store, log, adminKeyHash, fetch: fetchImpl })
  return { deps, app: createApp(deps) }
}

/**
 * Keeps the isolate's usage writes alive past the response: rows are recorded when a stream ends, so the
 * flush waits for the body to finish.
 */
function flushAfter(response: Response, deps: AppDeps, ctx: ExecutionContext): Response {
  if (!response.body) {
    ctx.waitUntil(deps.usage.flush())
    return response
  }
  let finished!: () => void
  const ended = new Promise<void>((resolve) => { finished = resolve })
  const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>({ flush: () => finished() })
  response.body.pipeTo(writable).catch(() => finished())
  ctx.waitUntil(ended.then(() => deps.usage.flush()))
  return new Response(readable, response)
}

export interface WorkerOptions {
  /** The HTTP client for upstream calls (tests point it at a mock). */
  fetch?: typeof fetch
}

/** One deps graph per isolate, built on the first request from that isolate's bindings. */
export function createWorker(options: WorkerOptions = {}) {
  let instance: Promise<Instance> | undefined
  return {
    async fetch(request: Request, env: WorkerBindings, ctx: ExecutionContext): Promise<Response> {
      instance ??= buildInstance(env, options.fetch).catch((err: unknown) => {
        instance = undefined
        throw err
      })
      const { app, deps } = await instance
      const response = await app.fetch(request, env, ctx)
      return flushAfter(response, deps, ctx)
    },
  }
}

export default createWorker()
