import type { D1Database, DurableObjectNamespace, ExecutionContext, Fetcher, MessageBatch, Queue } from '@cloudflare/workers-types'
import type { Hono } from 'hono'
import { upgradeWebSocket } from 'hono/cloudflare-workers'
import { bundledPrompts } from '../prompts/index.generated.js'
import type { AppEnv } from './app-env.js'
import { createApp } from './app.js'
import { assembleDeps } from './assemble.js'
import { buildConfig, parseFileConfig, type Env } from './config.js'
import type { AppDeps } from './deps.js'
import { sweepRequestBodies } from './metering/request-bodies.js'
import { CloudflareJobQueue, consumeJobMessages, sweepJobs, type JobMessage } from './jobs/cloudflare-queue.js'
import { consoleLogger } from './log.js'
import { observabilitySettings } from './observability/settings.js'
import { PromptCatalog } from './prompt-api/catalog.js'
import type { ApiReferenceScript } from './prompt-api/docs-page.js'
import { ensureAdminKeyHash } from './security/admin-key.js'
import { openD1Store } from './store/d1.js'
import { DurableKeyLimits } from './workers/key-limiter-client.js'
import { assertMigrated, isMissingSchema, missingSchemaResponse } from './workers/missing-schema.js'

export { KeyLimiterObject } from './workers/key-limiter-object.js'

/** Bindings from wrangler.toml: the D1 database, plus string vars and secrets (the same names as on Node). */
export interface WorkerBindings {
  DB: D1Database
  /** The JSON config file's content, as a var or secret (Workers have no file system). */
  MANIFOLD_CONFIG_JSON?: string
  /** @scalar/api-reference's browser bundle as static assets, for /docs (wrangler.toml [assets]). */
  DOCS_ASSETS?: Fetcher
  /** Async jobs (wrangler.toml [[queues.producers]]); without it, queued jobs wait for the cron sweep. */
  JOBS_QUEUE?: Queue<JobMessage>
  /**
   * One Durable Object per virtual key (wrangler.toml [[durable_objects.bindings]]): rpm, tpm, max_parallel,
   * budgets and revocation exact across isolates. Without it, each isolate keeps its own limits.
   */
  KEY_LIMITER?: DurableObjectNamespace
  [name: string]: unknown
}

interface Instance {
  deps: AppDeps
  app: Hono<AppEnv>
  /** What must finish before the isolate may stop after a call: usage writes and the key limiter's settles. */
  afterCall(): Promise<unknown>
}

/** The /docs script from the DOCS_ASSETS binding (wrangler.toml [assets]: @scalar/api-reference's browser folder). */
function apiReferenceScript(assets: Fetcher | undefined): (() => Promise<ApiReferenceScript>) | undefined {
  if (!assets) return undefined
  return async () => {
    const res = await assets.fetch('https://docs-assets/standalone.js')
    if (!res.ok || !res.body) throw new Error(`DOCS_ASSETS answered ${res.status} for standalone.js`)
    return res.body as unknown as ReadableStream<Uint8Array>
  }
}

function stringVars(env: WorkerBindings): Env {
  const out: Env = {}
  for (const [name, value] of Object.entries(env)) if (typeof value === 'string') out[name] = value
  return out
}

/** Workers' fetch, never following a redirect: a 3xx comes back as it is, for the provider edge to refuse. */
const fetchWithoutRedirects: typeof fetch = (input, init) => fetch(input, { ...init, redirect: 'manual' })

async function buildInstance(env: WorkerBindings, fetchImpl: typeof fetch = fetchWithoutRedirects): Promise<Instance> {
  const vars = stringVars(env)
  const file = vars.MANIFOLD_CONFIG_JSON ? parseFileConfig(JSON.parse(vars.MANIFOLD_CONFIG_JSON), 'MANIFOLD_CONFIG_JSON') : undefined
  const config = buildConfig(vars, file)
  const settings = observabilitySettings(vars)
  const log = consoleLogger({ level: settings.logLevel, format: settings.logFormat })
  await assertMigrated(env.DB)
  const store = openD1Store(env.DB)
  const adminKeyHash = await ensureAdminKeyHash(store, config.adminKey, log, (secret) => {
    console.log(`Manifold admin key (shown once, store it now): ${secret}`)
  })
  // Prompt files are bundled at build time (npm run prompts:bundle); a bad one is logged and skipped.
  const prompts = new PromptCatalog(bundledPrompts)
  for (const error of prompts.report.errors) log.error('prompt file not loaded', { file: error.file, error: error.message })
  const keyLimiter = env.KEY_LIMITER
  let limits: DurableKeyLimits | undefined
  const deps = assembleDeps({
    config, store, log, adminKeyHash, fetch: fetchImpl, prompts, apiReferenceScript: apiReferenceScript(env.DOCS_ASSETS),
    jobQueue: env.JOBS_QUEUE ? new CloudflareJobQueue(env.JOBS_QUEUE, () => Date.now()) : undefined,
    upgradeWebSocket, tracing: settings.tracing,
    keyLimits: keyLimiter ? ({ usage }) => (limits = new DurableKeyLimits(keyLimiter, usage)) : undefined,
  })
  return { deps, app: createApp(deps), afterCall: () => Promise.all([deps.usage.flush(), limits?.settled(), deps.observability.flush()]) }
}

/**
 * Keeps the isolate's usage writes alive past the response: rows are recorded when a stream ends, so the
 * flush waits for the body to finish.
 */
function flushAfter(response: Response, instance: Instance, ctx: ExecutionContext): Response {
  if (!response.body) {
    ctx.waitUntil(instance.afterCall())
    return response
  }
  let finished!: () => void
  const ended = new Promise<void>((resolve) => { finished = resolve })
  const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>({ flush: () => finished() })
  response.body.pipeTo(writable).catch(() => finished())
  ctx.waitUntil(ended.then(() => instance.afterCall()))
  return new Response(readable, response)
}

export interface WorkerOptions {
  /** The HTTP client for upstream calls (tests point it at a mock). */
  fetch?: typeof fetch
}

/** One deps graph per isolate, built on the first request from that isolate's bindings. */
export function createWorker(options: WorkerOptions = {}) {
  let instance: Promise<Instance> | undefined
  const instanceFor = (env: WorkerBindings): Promise<Instance> => {
    instance ??= buildInstance(env, options.fetch).catch((err: unknown) => {
      instance = undefined
      throw err
    })
    return instance
  }
  return {
    async fetch(request: Request, env: WorkerBindings, ctx: ExecutionContext): Promise<Response> {
      let built: Instance
      try {
        built = await instanceFor(env)
      } catch (err) {
        if (isMissingSchema(err)) return missingSchemaResponse()
        throw err
      }
      const responding = Promise.resolve(built.app.fetch(request, env, ctx))
      // Registered before the first await: when the client goes away (request.signal, enable_request_signal),
      // the isolate still finishes the call, so its aborted attempt is metered and flushed (flushAfter).
      ctx.waitUntil(responding.then(() => undefined, () => undefined))
      return flushAfter(await responding, built, ctx)
    },

    /** Cloudflare Queues consumer: runs jobs and callback deliveries with the same code as Node's runner. */
    async queue(batch: MessageBatch<JobMessage>, env: WorkerBindings, ctx: ExecutionContext): Promise<void> {
      const built = await instanceFor(env)
      await consumeJobMessages(built.deps, (req, callEnv) => built.app.fetch(req, { ...env, ...callEnv }, ctx), batch)
      ctx.waitUntil(built.afterCall())
    },

    /** Cron: picks up jobs and deliveries whose queue message was lost or whose isolate died. */
    async scheduled(_controller: unknown, env: WorkerBindings, ctx: ExecutionContext): Promise<void> {
      const built = await instanceFor(env)
      await sweepJobs(built.deps, (req, callEnv) => built.app.fetch(req, { ...env, ...callEnv }, ctx))
      await sweepRequestBodies(built.deps.store.db, built.deps.clock.now(), built.deps.config.requestBodies.retentionDays)
      ctx.waitUntil(built.afterCall())
    },
  }
}

export default createWorker()
