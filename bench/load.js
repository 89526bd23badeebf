// Load generation: autocannon (as a library) for request/response scenarios, and a small streaming
// client that timestamps every SSE frame as it arrives, for time to first token and gaps between chunks.
import autocannon from 'autocannon'
import { Agent, request } from 'undici'

/**
 * A bounded autocannon run: exactly `amount` requests over `connections` connections. Latencies are kept
 * from autocannon's per-response event at full (sub-millisecond) resolution; its own histogram rounds to 1 ms.
 */
export async function hammer({ url, headers, body, connections, amount, timeoutSec = 30 }) {
  const latencies = []
  const started = performance.now()
  const instance = autocannon({
    url, method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body,
    connections, amount, timeout: timeoutSec, pipelining: 1,
  })
  instance.on('response', (_client, statusCode, _bytes, responseTime) => {
    if (statusCode >= 200 && statusCode < 300) latencies.push(responseTime)
  })
  const result = await instance
  const seconds = (performance.now() - started) / 1000
  return {
    requests: amount, ok: result['2xx'], non2xx: result.non2xx, errors: result.errors, timeouts: result.timeouts,
    seconds, rps: result['2xx'] / seconds, latencies: latencies.sort((a, b) => a - b),
  }
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
