// The upstream every system in the benchmark talks to: an OpenAI chat endpoint that answers from bytes
// serialized once at start, so the mock's own cost is as small and as constant as it can be.
//
//   node bench/mock-upstream.js [--port=0] [--delay=0]
//
// POST …/v1/chat/completions answers a completion (usage included); with "stream": true in the body it
// answers SSE: a role chunk, 64 content chunks 20 ms apart, a usage chunk, then [DONE]. A path prefix
// /d<ms>/ (such as /d50/v1/chat/completions) delays the answer by that many milliseconds, so one process
// serves the 20/50/80 ms targets of the fan-out scenario. It prints one JSON line when ready:
// {"msg":"mock listening","url":"http://127.0.0.1:PORT"}.
import { createServer } from 'node:http'
import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

export const CONTENT_CHUNKS = 64
export const CHUNK_GAP_MS = 20
export const COMPLETION_TEXT = 'Hello from the benchmark mock.'
export const streamedText = () => Array.from({ length: CONTENT_CHUNKS }, (_, i) => `t${i} `).join('')

const created = 1_750_000_000
const usage = { prompt_tokens: 12, completion_tokens: 64, total_tokens: 76 }

function completionBody(model) {
  return Buffer.from(JSON.stringify({
    id: 'chatcmpl-bench', object: 'chat.completion', created, model,
    choices: [{ index: 0, message: { role: 'assistant', content: COMPLETION_TEXT, refusal: null }, logprobs: null, finish_reason: 'stop' }],
    usage, system_fingerprint: 'fp_bench',
  }))
}

const frame = (payload) => Buffer.from(`data: ${JSON.stringify(payload)}\n\n`)
const chunk = (model, delta, finish = null) => ({
  id: 'chatcmpl-bench', object: 'chat.completion.chunk', created, model, system_fingerprint: 'fp_bench',
  choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
})

function streamFrames(model) {
  const content = Array.from({ length: CONTENT_CHUNKS }, (_, i) => frame(chunk(model, { content: `t${i} ` })))
  return {
    role: frame(chunk(model, { role: 'assistant', content: '', refusal: null })),
    content,
    tail: Buffer.concat([
      frame(chunk(model, {}, 'stop')),
      frame({ id: 'chatcmpl-bench', object: 'chat.completion.chunk', created, model, system_fingerprint: 'fp_bench', choices: [], usage }),
      Buffer.from('data: [DONE]\n\n'),
    ]),
  }
}

const MODEL = 'gpt-4o-mini'
const json = completionBody(MODEL)
const frames = streamFrames(MODEL)
const jsonHeaders = { 'content-type': 'application/json', 'content-length': String(json.length) }
const sseHeaders = { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' }
const STREAM_FLAG = /"stream"\s*:\s*true/
const DELAY_PREFIX = /^\/d(\d{1,5})\//

function sendStream(res) {
  res.writeHead(200, sseHeaders)
  res.write(frames.role)
  res.write(frames.content[0])
  let next = 1
  const tick = () => {
    if (res.destroyed) return
    if (next < CONTENT_CHUNKS) {
      res.write(frames.content[next++])
      setTimeout(tick, CHUNK_GAP_MS)
      return
    }
    res.end(frames.tail)
  }
  setTimeout(tick, CHUNK_GAP_MS)
}

function main() {
  const args = Object.fromEntries(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=')))
  const defaultDelay = Number(args.delay ?? 0)
  const server = createServer({ keepAliveTimeout: 60_000 }, (req, res) => {
    const chunks = []
    req.on('data', (c) => chunks.push(c))
    req.on('end', () => {
      if (req.method !== 'POST' || !req.url.endsWith('/chat/completions')) {
        res.writeHead(404, { 'content-type': 'application/json' })
        res.end('{"error":{"message":"the mock serves POST /v1/chat/completions only","type":"invalid_request_error"}}')
        return
      }
      const prefixed = DELAY_PREFIX.exec(req.url)
      const delay = prefixed ? Number(prefixed[1]) : defaultDelay
      const stream = STREAM_FLAG.test(Buffer.concat(chunks).toString('latin1'))
      const answer = () => {
        if (stream) return sendStream(res)
        res.writeHead(200, jsonHeaders)
        res.end(json)
      }
      if (delay > 0) setTimeout(answer, delay)
      else answer()
    })
  })
  server.listen(Number(args.port ?? 0), '127.0.0.1', () => {
    process.stdout.write(`${JSON.stringify({ msg: 'mock listening', url: `http://127.0.0.1:${server.address().port}` })}\n`)
  })
  process.once('SIGTERM', () => process.exit(0))
}

if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) main()
