import { mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
// @ts-expect-error: a plain JavaScript script (it must run before anything is compiled), without type declarations
import { startNodeFlags, staleReason } from '../../scripts/start.js'

const reasonFor = staleReason as (root: string) => string | undefined
const flagsOf = startNodeFlags as (root: string) => string[]

/** `npm start` compiles only when a source is newer than dist/src/node.js. */
describe('scripts/start.js: is the build current?', () => {
  let root: string
  const at = (path: string, seconds: number) => utimesSync(join(root, path), seconds, seconds)

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'manifold-start-'))
    for (const dir of ['src/routing', 'providers', 'dist/src']) mkdirSync(join(root, dir), { recursive: true })
    for (const file of ['src/app.ts', 'src/routing/resolve.ts', 'providers/openai.ts', 'tsconfig.json', 'tsconfig.build.json', 'dist/src/node.js']) {
      writeFileSync(join(root, file), '')
    }
    for (const path of ['src/app.ts', 'src/routing/resolve.ts', 'src/routing', 'src', 'providers/openai.ts', 'providers', 'tsconfig.json', 'tsconfig.build.json']) at(path, 1_000)
    at('dist/src/node.js', 2_000)
  })
  afterEach(() => rmSync(root, { recursive: true, force: true }))

  it('current when every source is older than the build', () => {
    expect(reasonFor(root)).toBeUndefined()
  })

  it('stale when a nested source, a provider or a tsconfig changed', () => {
    at('src/routing/resolve.ts', 3_000)
    expect(reasonFor(root)).toBe('src changed since the last build')
    at('src/routing/resolve.ts', 1_000)
    at('providers/openai.ts', 3_000)
    expect(reasonFor(root)).toBe('providers changed since the last build')
    at('providers/openai.ts', 1_000)
    at('tsconfig.build.json', 3_000)
    expect(reasonFor(root)).toBe('tsconfig.build.json changed since the last build')
  })

  it('stale when nothing was built yet', () => {
    rmSync(join(root, 'dist'), { recursive: true })
    expect(reasonFor(root)).toBe('dist/src/node.js does not exist yet')
  })
})

/** The container image runs the built entry directly: it must pass Node the same flags `npm start` does. */
describe('npm start and the container image', () => {
  const root = join(import.meta.dirname, '..', '..')
  const startFlags = flagsOf(root)
  const imageCommand = JSON.parse(/^CMD (\[.*\])$/m.exec(readFileSync(join(root, 'Dockerfile'), 'utf8'))![1]!) as string[]

  it('run Node with the same flags (the young generation bound among them)', () => {
    expect(startFlags).toContain('--max-semi-space-size=8')
    expect(imageCommand).toEqual(['node', ...startFlags, 'dist/src/node.js'])
  })
})
