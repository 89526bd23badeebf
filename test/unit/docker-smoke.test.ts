import { execFile } from 'node:child_process'
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { ROOT } from '../support/child-gateway.js'

const run = promisify(execFile)

describe('scripts/docker-smoke.sh', () => {
  it('without a working container engine it prints why it skipped and exits 0', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'manifold-smoke-'))
    try {
      // An engine whose `info` fails, as on a machine where the daemon is not running.
      const engine = join(dir, 'fake-engine')
      writeFileSync(engine, '#!/bin/sh\necho "Cannot connect to the Docker daemon" >&2\nexit 1\n')
      chmodSync(engine, 0o755)
      const { stdout } = await run('sh', [join(ROOT, 'scripts', 'docker-smoke.sh')], { env: { PATH: process.env.PATH, CONTAINER_ENGINE: engine } })
      expect(stdout).toBe(`docker-smoke: skipped: no container engine available ("${engine} info" failed); the image was not built or tested\n`)
      const missing = await run('sh', [join(ROOT, 'scripts', 'docker-smoke.sh')], { env: { PATH: process.env.PATH, CONTAINER_ENGINE: 'no-such-engine' } })
      expect(missing.stdout).toBe('docker-smoke: skipped: no container engine available ("no-such-engine info" failed); the image was not built or tested\n')
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
