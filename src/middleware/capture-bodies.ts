import type { Context, MiddlewareHandler } from 'hono'
import type { AppEnv } from '../app-env.js'
import type { AppDeps } from '../deps.js'
import { MAX_STORED_BODY_CHARS, storableBody, storeBodies } from '../metering/request-bodies.js'
import { createRedactor } from '../security/redact.js'

/** The calls whose bodies are kept: model and prompt API calls. */
const CAPTURED_PATH = /^\/v1\/(chat\/completions|embeddings|messages|responses|prompts\/[^/]+(\/versions\/[^/]+)?)$/

/** Keeps a write alive past the response on Workers; on Node the promise runs on its own. */
function keepAlive(c: Context<AppEnv>, work: Promise<void>): void {
  try {
    c.executionCtx.waitUntil(work)
  } catch {
    // No execution context outside Workers.
  }
}

/** Passes a stream through unchanged while keeping its first characters (up to the cap), handed over with its length when it ends. */
function teeText(body: ReadableStream<Uint8Array>, onEnd: (text: string, length: number) => void): ReadableStream<Uint8Array> {
  const decoder = new TextDecoder()
  let text = ''
  let length = 0
  return body.pipeThrough(new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, controller) {
      const decoded = decoder.decode(chunk, { stream: true })
      length += decoded.length
      if (text.length < MAX_STORED_BODY_CHARS) text += decoded
      controller.enqueue(chunk)
    },
    flush() { onEnd(text, length) },
  }))
}

/**
 * Stores the request and response bodies of model and prompt calls (request_bodies.store). Mounted only
 * when the deployment turns it on, so it costs nothing otherwise. Headers are never stored, bodies are
 * redacted and size-capped, and the write happens after the response (a stream's after its last byte).
 */
export function captureBodies(deps: AppDeps): MiddlewareHandler<AppEnv> {
  const { config } = deps
  const redactor = createRedactor([
    ...Object.values(config.providers).map((p) => p.apiKey), config.adminKey ?? '', config.webhookSecret ?? '', config.metricsToken ?? '',
  ].filter(Boolean))
  return async function captureBodies(c, next) {
    if (c.req.method !== 'POST' || !CAPTURED_PATH.test(c.req.path)) return next()
    // Hono keeps the text it read, so the route reads the same body again without a second stream.
    const requestText = await c.req.text()
    await next()
    const principal = c.get('principal')
    const base = {
      requestId: c.get('requestId'), keyId: principal?.keyId ?? null, team: principal?.key?.team ?? null,
      createdAt: deps.clock.now(), request: storableBody(requestText, redactor),
    }
    const save = (responseText: string | null, length?: number) => {
      const write = storeBodies(deps.store, { ...base, response: storableBody(responseText, redactor, length) }, config.requestBodies.retentionDays)
        .catch((err: unknown) => deps.log.error('request bodies not stored', { request_id: base.requestId, error: String(err) }))
      keepAlive(c, write)
    }
    const response = c.res
    if (!response.body) return save(null)
    if ((response.headers.get('content-type') ?? '').includes('text/event-stream')) {
      c.res = new Response(teeText(response.body, save), response)
      return
    }
    const text = await response.clone().text()
    save(text)
  }
}
