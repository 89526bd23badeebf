import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { GATEWAY_VERSION } from '../../src/version.js'

describe('GATEWAY_VERSION', () => {
  it('is package.json\'s version', () => {
    const pkg = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'package.json'), 'utf8')) as { version: string }
    expect(GATEWAY_VERSION).toBe(pkg.version)
  })
})
