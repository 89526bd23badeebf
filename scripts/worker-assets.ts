import { copyFileSync, mkdirSync, readdirSync, rmSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const SOURCE = join(root, 'node_modules/@scalar/api-reference/dist/browser')
/** wrangler.toml [assets] directory: only what /docs serves, so the upload carries no webpack-stats.json. */
export const WORKER_ASSETS_DIR = join(root, 'dist/worker-assets')
const SHIPPED = ['standalone.js']

/** Copies the files /docs needs into the Worker's static assets folder, and nothing else. */
export function prepareWorkerAssets(): string[] {
  rmSync(WORKER_ASSETS_DIR, { recursive: true, force: true })
  mkdirSync(WORKER_ASSETS_DIR, { recursive: true })
  for (const file of SHIPPED) copyFileSync(join(SOURCE, file), join(WORKER_ASSETS_DIR, file))
  return readdirSync(WORKER_ASSETS_DIR)
}

if (fileURLToPath(import.meta.url) === process.argv[1]) {
  console.log(`worker assets: ${prepareWorkerAssets().join(', ')}`)
}
