import type { LogLevel } from './log.js'

export interface LogSink {
  write: (level: LogLevel, line: string) => void
  /** Writes what is pending now (at exit, and before a warning or an error, so lines keep their order). */
  flush: () => void
}

interface Streams {
  stdout: { write(text: string): unknown }
  stderr: { write(text: string): unknown }
}

/**
 * Info and debug lines gathered over one event-loop turn and written to stdout in one call: under load,
 * `console.log` per access line cost a synchronous write each (about a tenth of the gateway's CPU in the
 * profile). Warnings and errors are written at once, to stderr, after whatever is pending.
 */
export function batchedLogSink(streams: Streams = process): LogSink {
  let pending: string[] = []
  let scheduled = false
  const flush = () => {
    scheduled = false
    if (pending.length === 0) return
    const text = `${pending.join('\n')}\n`
    pending = []
    streams.stdout.write(text)
  }
  return {
    write(level, line) {
      if (level === 'warn' || level === 'error') {
        flush()
        streams.stderr.write(`${line}\n`)
        return
      }
      pending.push(line)
      if (!scheduled) {
        scheduled = true
        setImmediate(flush)
      }
    },
    flush,
  }
}
