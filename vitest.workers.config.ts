import { join } from 'node:path'
import { cloudflareTest, readD1Migrations } from '@cloudflare/vitest-pool-workers'
import { defineProject } from 'vitest/config'
import { prepareWorkerAssets } from './scripts/worker-assets.js'
import { bothEnv, bothFileConfig } from './test/both/config.js'

declare module 'vitest' {
  export interface ProvidedContext {
    mockUpstreamUrl: string
    callbackReceiverUrl: string
    otlpReceiverUrl: string
  }
}

/**
 * Inside workerd with D1: the Workers-only tests (test/workers) and the shared end-to-end suite (test/both,
 * whose ./node-runtime.js is swapped for the workerd implementation). Migrations from migrations/.
 */
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
          // The shared suite's configuration (the Node side reads the same): every provider on the mock
          // upstream from global-setup, the routes, and jobs' callbacks to the loopback receiver.
          ...bothEnv(inject('mockUpstreamUrl')),
          MANIFOLD_CONFIG_JSON: JSON.stringify(bothFileConfig(inject('mockUpstreamUrl'))),
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
  resolve: {
    alias: [{ find: /^\.\/node-runtime\.js$/, replacement: join(import.meta.dirname, 'test', 'workers', 'both-gateway.ts') }],
  },
  test: {
    name: 'workers',
    include: ['test/workers/**/*.test.ts', 'test/both/**/*.test.ts'],
    globalSetup: ['test/workers/global-setup.ts'],
    setupFiles: ['test/workers/apply-migrations.ts'],
    testTimeout: 30_000,
  },
})
