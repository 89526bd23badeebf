#!/usr/bin/env node
// `npm start`: run the built gateway (dist/), compiling first only when a source is newer than the build.
// The install builds dist/ (the `prepare` script), so a start is about a second, not a TypeScript compile.
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join } from 'node:path'
import process from 'node:process'
import { fileURLToPath, pathToFileURL } from 'node:url'

const SOURCE_DIRS = ['src', 'providers']
const SOURCE_FILES = ['tsconfig.json', 'tsconfig.build.json']
export const BUILT_ENTRY = join('dist', 'src', 'node.js')

/** The Node flags `npm start` runs the gateway with (package.json's start script); the image and the bench use the same. */
export function startNodeFlags(root) {
  const start = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).scripts.start
  return start.split(/\s+/).filter((token) => token.startsWith('--'))
}

function newestIn(path) {
  if (!existsSync(path)) return 0
  const stat = statSync(path)
  if (!stat.isDirectory()) return stat.mtimeMs
  let newest = stat.mtimeMs
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestIn(join(path, entry)))
  return newest
}

/** Why the build must be redone (a sentence for the log), or undefined when dist/ is current. */
export function staleReason(root) {
  const entry = join(root, BUILT_ENTRY)
  if (!existsSync(entry)) return `${BUILT_ENTRY} does not exist yet`
  const built = statSync(entry).mtimeMs
  const changed = [...SOURCE_DIRS, ...SOURCE_FILES].find((name) => newestIn(join(root, name)) > built)
  return changed === undefined ? undefined : `${changed} changed since the last build`
}

function build(root) {
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc')
  if (!existsSync(tsc)) {
    process.stderr.write('manifold: the sources changed but TypeScript is not installed (npm ci installs it); cannot build dist/\n')
    process.exit(1)
  }
  const result = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json'), '--noEmitOnError'], { cwd: root, stdio: 'inherit' })
  if (result.status !== 0) {
    process.stderr.write('manifold: the build failed (errors above); dist/ was left as it was\n')
    process.exit(result.status ?? 1)
  }
}

async function main() {
  const root = dirname(dirname(fileURLToPath(import.meta.url)))
  const reason = staleReason(root)
  if (reason !== undefined) {
    process.stderr.write(`manifold: compiling (${reason})\n`)
    build(root)
  }
  const { main: startGateway } = await import(pathToFileURL(join(root, BUILT_ENTRY)).href)
  await startGateway()
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main()
