import { consoleLogger, type LogFormat, type Logger, type LogLevel } from '../../src/log.js'

export interface CapturedLog {
  log: Logger
  /** Every line as written, in order. */
  lines: string[]
  /** The JSON lines parsed (json format only). */
  records(): Array<Record<string, unknown>>
  /** The access line of one request (msg "request"), parsed. */
  accessLine(requestId: string): Record<string, unknown> | undefined
}

/** The gateway's real logger, writing to memory instead of the console. */
export function captureLog(options: { level?: LogLevel; format?: LogFormat } = {}): CapturedLog {
  const lines: string[] = []
  const log = consoleLogger({ ...options, write: (_level, line) => lines.push(line) })
  const records = () => lines.map((line) => JSON.parse(line) as Record<string, unknown>)
  return {
    log,
    lines,
    records,
    accessLine: (requestId) => records().find((r) => r.msg === 'request' && r.request_id === requestId),
  }
}
