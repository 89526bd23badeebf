import { createServer, type IncomingHttpHeaders } from 'node:http'
import type { AddressInfo } from 'node:net'

/** One span as an OTLP/JSON export carries it, attributes flattened to plain values. */
export interface ReceivedSpan {
  traceId: string
  spanId: string
  parentSpanId?: string
  name: string
  kind: number
  startTimeUnixNano: string
  endTimeUnixNano: string
  status: { code: number; message?: string }
  attributes: Record<string, unknown>
  /** The resource's service.name. */
  service: unknown
}

interface OtlpValue { stringValue?: string; intValue?: string; doubleValue?: number; boolValue?: boolean; arrayValue?: { values: OtlpValue[] } }

function plain(value: OtlpValue): unknown {
  if (value.stringValue !== undefined) return value.stringValue
  if (value.intValue !== undefined) return Number(value.intValue)
  if (value.doubleValue !== undefined) return value.doubleValue
  if (value.boolValue !== undefined) return value.boolValue
  if (value.arrayValue) return value.arrayValue.values.map(plain)
  throw new Error(`unknown OTLP value ${JSON.stringify(value)}`)
}

function flatten(attributes: Array<{ key: string; value: OtlpValue }>): Record<string, unknown> {
  return Object.fromEntries(attributes.map((a) => [a.key, plain(a.value)]))
}

export interface OtlpReceiver {
  /** Base URL, to use as OTEL_EXPORTER_OTLP_ENDPOINT. */
  url: string
  spans: ReceivedSpan[]
  /** The headers and path of each export request. */
  exports: Array<{ path: string; headers: IncomingHttpHeaders }>
  close(): Promise<void>
}

/**
 * A loopback OTLP/HTTP collector that accepts JSON exports on /v1/traces and decodes them; GET
 * /spans?trace_id=… answers what it holds of one trace (for tests inside workerd, which cannot read its memory).
 */
export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const spans: ReceivedSpan[] = []
  const exports: OtlpReceiver['exports'] = []
  const server = createServer((req, res) => {
    let body = ''
    req.setEncoding('utf8')
    req.on('data', (chunk: string) => { body += chunk })
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://receiver')
      if (req.method === 'GET' && url.pathname === '/spans') {
        const traceId = url.searchParams.get('trace_id')
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(spans.filter((s) => s.traceId === traceId)))
        return
      }
      exports.push({ path: req.url ?? '', headers: req.headers })
      if (req.url !== '/v1/traces' || !/json/.test(req.headers['content-type'] ?? '')) {
        res.writeHead(415).end()
        return
      }
      const parsed = JSON.parse(body) as { resourceSpans: Array<{ resource: { attributes: Array<{ key: string; value: OtlpValue }> }; scopeSpans: Array<{ spans: Array<Omit<ReceivedSpan, 'attributes' | 'service'> & { attributes: Array<{ key: string; value: OtlpValue }> }> }> }> }
      for (const resourceSpans of parsed.resourceSpans) {
        const service = flatten(resourceSpans.resource.attributes)['service.name']
        for (const scope of resourceSpans.scopeSpans) {
          for (const span of scope.spans) spans.push({ ...span, attributes: flatten(span.attributes), service })
        }
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}')
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    spans,
    exports,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}
