// Where Manifold's time goes under load: starts the mock and Manifold under `node --cpu-prof`, drives it
// at 64 connections, stops it, and prints the functions and packages with the most self time.
//
//   node bench/profile.js [--stream] [--amount=20000] [--top=40]
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { hammer, newStreamAgent, streamMany } from './load.js'
import { jsonBody, streamBody } from './scenarios.js'
import { startManifold, startMock } from './systems.js'

const valued = Object.fromEntries(process.argv.slice(2).filter((a) => a.includes('=')).map((a) => a.replace(/^--/, '').split('=')))
const stream = process.argv.includes('--stream')
const amount = Number(valued.amount ?? (stream ? 128 : 20_000))
const top = Number(valued.top ?? 40)

/** Self time per call-frame, summed over the profile's samples. */
function selfTimes(profile) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]))
  const counts = new Map()
  for (const id of profile.samples) counts.set(id, (counts.get(id) ?? 0) + 1)
  const total = profile.samples.length
  const byFunction = new Map()
  const byPackage = new Map()
  for (const [id, count] of counts) {
    const { callFrame } = byId.get(id)
    const url = callFrame.url.replace(/^file:\/\//, '')
    const where = url.includes('node_modules/') ? url.slice(url.lastIndexOf('node_modules/') + 13) : url.replace(process.cwd() + '/', '')
    const fn = `${callFrame.functionName || '(anonymous)'} ${where}:${callFrame.lineNumber + 1}`
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + count)
    const pkg = url === '' ? callFrame.functionName || '(native)' : url.includes('node_modules/')
      ? where.split('/').slice(0, where.startsWith('@') ? 2 : 1).join('/')
      : url.startsWith('node:') ? url.split('/')[0] : where.split('/').slice(0, 2).join('/')
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + count)
  }
  const sorted = (m) => [...m].sort((a, b) => b[1] - a[1]).map(([k, v]) => `${((100 * v) / total).toFixed(1).padStart(5)}%  ${k}`)
  return { total, functions: sorted(byFunction), packages: sorted(byPackage) }
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'manifold-prof-'))
  const mock = await startMock()
  const manifold = await startManifold(mock.url, ['--cpu-prof', `--cpu-prof-dir=${dir}`])
  const target = { url: `${manifold.url}/v1/chat/completions`, headers: { authorization: `Bearer ${manifold.key}` } }
  if (stream) {
    const agent = newStreamAgent()
    await streamMany({ ...target, body: streamBody('openai/gpt-4o-mini'), total: amount, concurrency: 32, agent })
    await agent.close()
  } else {
    const run = await hammer({ ...target, body: jsonBody('openai/gpt-4o-mini'), connections: 64, amount })
    process.stdout.write(`${run.ok}/${amount} ok, ${run.rps.toFixed(0)} req/s\n`)
  }
  await manifold.stop('SIGTERM')
  manifold.cleanup()
  await mock.stop()
  const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'))
  const { total, functions, packages } = selfTimes(JSON.parse(readFileSync(join(dir, file), 'utf8')))
  process.stdout.write(`${total} samples (${join(dir, file)})\n\nby package/folder:\n${packages.slice(0, 25).join('\n')}\n\nby function:\n${functions.slice(0, top).join('\n')}\n`)
}

void main()
