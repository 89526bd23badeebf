import { readFileSync } from 'node:fs'
import { join } from 'node:path'

/** The recorded provider data copied from shared/fixtures (see test/fixtures/SOURCES.md). */
export const FIXTURES_DIR = join(import.meta.dirname, '..', 'fixtures')

export function fixtureText(path: string): string {
  return readFileSync(join(FIXTURES_DIR, path), 'utf8')
}

export function fixtureJson<T = unknown>(path: string): T {
  return JSON.parse(fixtureText(path)) as T
}
