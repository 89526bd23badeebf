import { execFileSync } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { describe, expect, it } from 'vitest'
import { prepareWorkerAssets, WORKER_ASSETS_DIR } from '../../scripts/worker-assets.js'

const root = join(import.meta.dirname, '../..')
const wranglerToml = readFileSync(join(root, 'wrangler.toml'), 'utf8')

describe('what a new user deploys to Workers', () => {
  it('uploads only the script /docs serves as static assets, not webpack-stats.json', () => {
    expect(prepareWorkerAssets()).toEqual(['standalone.js'])
    expect(readdirSync(WORKER_ASSETS_DIR)).toEqual(['standalone.js'])
    expect(wranglerToml).toContain(`directory = "${relative(root, WORKER_ASSETS_DIR)}"`)
  })

  it('sets the compatibility flag request signals need and binds one Durable Object per key', () => {
    expect(wranglerToml).toMatch(/compatibility_flags = \[[^\]]*"enable_request_signal"/)
    expect(wranglerToml).toMatch(/\[\[durable_objects\.bindings\]\]\nname = "KEY_LIMITER"\nclass_name = "KeyLimiterObject"/)
  })

  it('keeps local secrets out of git: .dev.vars is ignored, .dev.vars.example is not', () => {
    const ignored = (path: string) => {
      try {
        execFileSync('git', ['check-ignore', '-q', path], { cwd: root })
        return true
      } catch {
        return false
      }
    }
    expect(ignored('.dev.vars')).toBe(true)
    expect(ignored('.dev.vars.example')).toBe(false)
  })
})
