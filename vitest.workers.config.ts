import { join } from 'node:path'
import { cloudflareTest, readD1Migrations } from '@cloudflare/vitest-pool-workers'
import { defineProject } from 'vitest/config'
import { prepareWorkerAssets } from './scripts/worker-assets.js'

declare module 'vitest' {
  export interface ProvidedContext {
    mockUpstreamUrl: string
    callbackReceiverUrl: string
    webhookSecret: string
    otlpReceiverUrl: string
  }
}

/** The chat tests again, inside workerd with D1: the same app, the Workers entry, migrations from migrations/. */
// wrangler.toml's [assets] folder is built, not committed.
prepareWorkerAssets()

export default defineProject({
  plugins: [
    cloudflareTest(async ({ inject }) => ({
      wrangler: { configPath: './wrangler.toml' },
      miniflare: {
        // DB (wrangler.toml) is migrated before each file; UNMIGRATED_DB stays empty, as before `wrangler d1 migrations apply`.
        d1Databases: ['DB', 'UNMIGRATED_DB'],
        bindings: {
          MANIFOLD_ADMIN_KEY: 'mk-workers-test-admin-key-0123456789abcdef',
          OPENAI_API_KEY: 'sk-upstream-secret',
          OPENAI_BASE_URL: `${inject('mockUpstreamUrl')}/v1`,
          // Async jobs: callbacks to the loopback receiver from global-setup, retried quickly.
          MANIFOLD_WEBHOOK_SECRET: inject('webhookSecret'),
          MANIFOLD_CALLBACK_ALLOW: '127.0.0.1',
          MANIFOLD_CALLBACK_RETRY_SCHEDULE: '50ms,50ms,50ms',
          TEST_CALLBACK_RECEIVER_URL: inject('callbackReceiverUrl'),
          // Tracing on, exported to the loopback OTLP receiver from global-setup (flushed through waitUntil).
          OTEL_EXPORTER_OTLP_ENDPOINT: inject('otlpReceiverUrl'),
          OTEL_SERVICE_NAME: 'manifold-workers',
          TEST_OTLP_RECEIVER_URL: inject('otlpReceiverUrl'),
          TEST_MIGRATIONS: await readD1Migrations(join(import.meta.dirname, 'migrations')),
        },
      },
    })),
  ],
  test: {
    name: 'workers',
    include: ['test/workers/**/*.test.ts'],
    globalSetup: ['test/workers/global-setup.ts'],
    setupFiles: ['test/workers/apply-migrations.ts'],
    testTimeout: 30_000,
  },
})
