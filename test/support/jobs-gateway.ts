import type { Hono } from 'hono'
import type { AppEnv } from '../../src/app-env.js'
import { createApp } from '../../src/app.js'
import { assembleDeps } from '../../src/assemble.js'
import { buildConfig, parseFileConfig, type Env } from '../../src/config.js'
import type { AppDeps } from '../../src/deps.js'
import { JobRunner, type JobRunnerOptions } from '../../src/jobs/runner.js'
import type { JobView } from '../../src/jobs/job-view.js'
import { silentLogger, type Logger } from '../../src/log.js'
import { createNodeFetch } from '../../src/node-fetch.js'
import { PromptCatalog, type PromptSource } from '../../src/prompt-api/catalog.js'
import { createKey, type KeyFields } from '../../src/security/key-service.js'
import { hashKey } from '../../src/security/keys.js'
import type { HostResolver } from '../../src/security/url-check.js'
import { openSqliteStore } from '../../src/store/sqlite.js'
import { ADMIN_KEY, MIGRATIONS } from './gateway.js'

/** A Standard Webhooks secret for tests (`whsec_` + base64 of 32 bytes). */
export const WEBHOOK_SECRET = `whsec_${Buffer.from('manifold-test-webhook-secret-32b').toString('base64')}`

export interface JobsGatewayOptions {
  env?: Env
  file?: unknown
  resolveHost?: HostResolver
  prompts?: PromptSource[]
  runner?: Partial<Omit<JobRunnerOptions, 'deps' | 'call'>>
  /** Start the runner (default true); false leaves jobs queued. */
  run?: boolean
  /** Where the gateway logs (default: nowhere). */
  log?: Logger
}

export interface JobsGateway {
  app: Hono<AppEnv>
  deps: AppDeps
  runner: JobRunner
  createKey(fields?: Partial<KeyFields>): Promise<string>
  request(path: string, init?: RequestInit & { key?: string }): Promise<Response>
  /** Polls GET /v1/jobs/{id} (bounded) until `done` says so; returns the last view. */
  waitForJob(id: string, key: string, done: (job: JobView) => boolean): Promise<JobView>
  close(): Promise<void>
}

/** The app on in-memory SQLite with the Node job runner attached (a short poll interval). */
export async function startJobsGateway(options: JobsGatewayOptions = {}): Promise<JobsGateway> {
  const env: Env = { MANIFOLD_ADMIN_KEY: ADMIN_KEY, MANIFOLD_WEBHOOK_SECRET: WEBHOOK_SECRET, ...options.env }
  const config = buildConfig(env, parseFileConfig(options.file ?? {}, 'test'))
  const store = openSqliteStore({ path: ':memory:', migrationsFolder: MIGRATIONS })
  // Upstream calls go through the production client, as src/node.ts wires it.
  const upstream = createNodeFetch()
  const deps = assembleDeps({
    config, store, log: options.log ?? silentLogger, adminKeyHash: await hashKey(ADMIN_KEY), fetch: upstream.fetch,
    resolveHost: options.resolveHost, prompts: options.prompts ? new PromptCatalog(options.prompts) : undefined,
  })
  const app = createApp(deps)
  const runner = new JobRunner({ deps, call: (request, callEnv) => app.fetch(request, callEnv), pollMs: 20, ...options.runner })
  if (options.run ?? true) runner.start()

  const request = (path: string, init: RequestInit & { key?: string } = {}) => {
    const { key = ADMIN_KEY, headers, ...rest } = init
    const merged = new Headers(headers)
    merged.set('authorization', `Bearer ${key}`)
    return Promise.resolve(app.request(path, { ...rest, headers: merged }))
  }

  return {
    app, deps, runner, request,
    async createKey(fields = {}) {
      return (await createKey(deps, { name: 'jobs-test', ...fields })).secret
    },
    async waitForJob(id, key, done) {
      let last: JobView | undefined
      for (let i = 0; i < 1_000; i++) {
        last = await (await request(`/v1/jobs/${id}`, { key })).json() as JobView
        if (done(last)) return last
        await new Promise((resolve) => setTimeout(resolve, 10))
      }
      throw new Error(`job ${id} never reached the expected state: ${JSON.stringify(last)}`)
    },
    async close() {
      await runner.stop(1_000)
      await deps.usage.close()
      await store.close()
      await upstream.close()
    },
  }
}

export { eventually } from './eventually.js'
