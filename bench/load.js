// Load generation: a bounded request loop over undici for request/response scenarios, and a small streaming
// client that timestamps every SSE frame as it arrives, for time to first token and gaps between chunks.
import { Agent, Pool, request } from 'undici'

/**
 * A bounded run: exactly `amount` requests over `connections` keep-alive connections, each connection
 * sending its next request as soon as its previous answer has been read. The run's time is from the first
 * request sent to the last response read (not rounded to a ticker), and every latency is kept at full
 * resolution.
 */
export async function hammer({ url, headers, body, connections, amount, timeoutSec = 30 }) {
  const target = new URL(url)
  const pool = new Pool(target.origin, { connections, pipelining: 1, keepAliveTimeout: 60_000, headersTimeout: timeoutSec * 1000, bodyTimeout: timeoutSec * 1000 })
  const options = { method: 'POST', path: `${target.pathname}${target.search}`, headers: { 'content-type': 'application/json', ...headers }, body }
  const latencies = []
  let issued = 0
  let ok = 0
  let non2xx = 0
  let errors = 0
  let timeouts = 0
  let lastResponse = 0
  const worker = async () => {
    while (issued < amount) {
      issued++
      const sent = performance.now()
      try {
        const res = await pool.request(options)
        await res.body.dump({ limit: Number.POSITIVE_INFINITY })
        const done = performance.now()
        lastResponse = Math.max(lastResponse, done)
        if (res.statusCode >= 200 && res.statusCode < 300) {
          ok++
          latencies.push(done - sent)
        } else non2xx++
      } catch (err) {
        if (err?.code === 'UND_ERR_HEADERS_TIMEOUT' || err?.code === 'UND_ERR_BODY_TIMEOUT') timeouts++
        else errors++
        lastResponse = Math.max(lastResponse, performance.now())
      }
    }
  }
  const started = performance.now()
  try {
    await Promise.all(Array.from({ length: Math.min(connections, amount) }, worker))
  } finally {
    await pool.close()
  }
  const seconds = (lastResponse - started) / 1000
  return { requests: amount, ok, non2xx, errors, timeouts, seconds, rps: ok / seconds, latencies: latencies.sort((a, b) => a - b) }
}

export function newStreamAgent() {
  return new Agent({ connections: 64, keepAliveTimeout: 30_000 })
}

/**
 * One streamed chat call. Returns when [DONE] arrived: ttft (ms from sending to the first frame with
 * content), the gaps between content frames, the concatenated text and whether [DONE] was seen.
 */
export async function streamOnce({ url, headers, body, agent }) {
  const started = performance.now()
  const res = await request(url, {
    method: 'POST', dispatcher: agent, headers: { 'content-type': 'application/json', ...headers }, body,
    headersTimeout: 30_000, bodyTimeout: 30_000,
  })
  let buffered = ''
  let ttft = null
  let last = null
  const gaps = []
  let text = ''
  let done = false
  let error = null
  for await (const data of res.body) {
    const now = performance.now()
    buffered += data.toString()
    let end
    while ((end = buffered.indexOf('\n\n')) >= 0) {
      const frame = buffered.slice(0, end)
      buffered = buffered.slice(end + 2)
      const line = frame.split('\n').find((l) => l.startsWith('data:'))
      if (!line) continue
      const payload = line.slice(5).trim()
      if (payload === '[DONE]') {
        done = true
        continue
      }
      const parsed = JSON.parse(payload)
      if (parsed.error) error = parsed.error
      const content = parsed.choices?.[0]?.delta?.content
      if (!content) continue
      text += content
      if (ttft === null) ttft = now - started
      else gaps.push(now - last)
      last = now
    }
  }
  return { status: res.statusCode, ttft, gaps, text, done, error }
}

/**
 * `total` streams over `concurrency` workers, each started a little after the previous one so the
 * streams' chunks do not all land in the same millisecond.
 */
export async function streamMany({ url, headers, body, total, concurrency, agent }) {
  const results = []
  let issued = 0
  const worker = async (index) => {
    await new Promise((r) => setTimeout(r, index * 3))
    while (issued < total) {
      issued++
      results.push(await streamOnce({ url, headers, body, agent }))
    }
  }
  await Promise.all(Array.from({ length: concurrency }, (_, i) => worker(i)))
  return results
}
