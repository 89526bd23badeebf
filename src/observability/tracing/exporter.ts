import type { Logger } from '../../log.js'
import { otlpTraceRequest } from './otlp-json.js'
import type { FinishedSpan } from './span.js'

export interface OtlpExporterOptions {
  endpoint: string
  headers: Record<string, string>
  serviceName: string
  fetch: typeof fetch
  log: Logger
  /** How long a span may wait before its batch is sent. Default 1 s. */
  delayMs?: number
  /** Spans per request; a full batch is sent at once. Default 512. */
  maxBatch?: number
  /** Spans held at most while the collector is slow or down; newer ones are dropped (and counted). Default 4096. */
  maxQueue?: number
}

/**
 * OTLP/HTTP JSON over fetch, so the same exporter runs on Node and Workers: spans wait in a bounded queue
 * and go in batches, on a timer or when a batch fills; `flush()` sends everything now (Workers' waitUntil,
 * Node's shutdown). A failed export is logged and its spans dropped: tracing never slows or fails a call.
 */
export class OtlpHttpExporter {
  private queue: FinishedSpan[] = []
  private timer: ReturnType<typeof setTimeout> | undefined
  private inFlight = new Set<Promise<void>>()
  private droppedSinceWarning = 0
  private readonly delayMs: number
  private readonly maxBatch: number
  private readonly maxQueue: number

  constructor(private readonly options: OtlpExporterOptions) {
    this.delayMs = options.delayMs ?? 1_000
    this.maxBatch = options.maxBatch ?? 512
    this.maxQueue = options.maxQueue ?? 4_096
  }

  export(span: FinishedSpan): void {
    if (this.queue.length >= this.maxQueue) {
      this.droppedSinceWarning++
      return
    }
    this.queue.push(span)
    if (this.queue.length >= this.maxBatch) this.sendBatch()
    else if (this.timer === undefined) {
      this.timer = setTimeout(() => {
        this.timer = undefined
        this.sendBatch()
      }, this.delayMs)
      // On Node the timer must not keep a stopping process alive; shutdown calls flush().
      ;(this.timer as { unref?: () => void }).unref?.()
    }
  }

  /** Sends every queued span and waits for all exports in flight. */
  async flush(): Promise<void> {
    if (this.timer !== undefined) clearTimeout(this.timer)
    this.timer = undefined
    while (this.queue.length > 0) this.sendBatch()
    await Promise.all([...this.inFlight])
  }

  private sendBatch(): void {
    const batch = this.queue.splice(0, this.maxBatch)
    if (batch.length === 0) return
    if (this.droppedSinceWarning > 0) {
      this.options.log.warn('trace spans dropped: the OTLP endpoint is not keeping up', { dropped: this.droppedSinceWarning })
      this.droppedSinceWarning = 0
    }
    const sending = this.post(batch).finally(() => this.inFlight.delete(sending))
    this.inFlight.add(sending)
  }

  private async post(batch: FinishedSpan[]): Promise<void> {
    try {
      const response = await this.options.fetch(this.options.endpoint, {
        method: 'POST',
        headers: { ...this.options.headers, 'content-type': 'application/json' },
        body: JSON.stringify(otlpTraceRequest(this.options.serviceName, batch)),
        signal: AbortSignal.timeout(10_000),
      })
      await response.arrayBuffer().catch(() => undefined)
      if (!response.ok) this.options.log.warn('trace export refused', { endpoint: this.options.endpoint, status: response.status, spans: batch.length })
    } catch (err) {
      this.options.log.warn('trace export failed', { endpoint: this.options.endpoint, spans: batch.length, error: err instanceof Error ? err.message : String(err) })
    }
  }
}
