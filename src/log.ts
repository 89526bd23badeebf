/** Structured, one-line logs (JSON, or a readable line for a terminal). Never pass a secret: callers log ids and prefixes, not keys. */
export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void
  info(message: string, fields?: Record<string, unknown>): void
  warn(message: string, fields?: Record<string, unknown>): void
  error(message: string, fields?: Record<string, unknown>): void
}

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const
export type LogLevel = (typeof LOG_LEVELS)[number]
export const LOG_FORMATS = ['json', 'pretty'] as const
export type LogFormat = (typeof LOG_FORMATS)[number]

export interface LoggerOptions {
  /** The lowest level written; `silent` writes nothing. Default info. */
  level?: LogLevel | 'silent'
  /** Default json. */
  format?: LogFormat
  /** Where a finished line goes; default console (stdout below warn, stderr from warn up), which Workers Logs picks up too. */
  write?: (level: LogLevel, line: string) => void
}

const RANK: Record<LogLevel | 'silent', number> = { debug: 0, info: 1, warn: 2, error: 3, silent: 4 }

function consoleWrite(level: LogLevel, line: string): void {
  if (level === 'debug' || level === 'info') console.log(line)
  else console.error(line)
}

/** A value in a pretty line: bare when it has no spaces or quotes, JSON otherwise. */
function prettyValue(value: unknown): string {
  if (typeof value === 'string') return /^[^\s"=]+$/.test(value) ? value : JSON.stringify(value)
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value)
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return prettyValue(value.join(','))
  return JSON.stringify(value) ?? 'undefined'
}

function prettyLine(time: string, level: LogLevel, message: string, fields?: Record<string, unknown>): string {
  let line = `${time.slice(11, 23)} ${level.toUpperCase().padEnd(5)} ${message}`
  if (fields) for (const [name, value] of Object.entries(fields)) if (value !== undefined) line += ` ${name}=${prettyValue(value)}`
  return line
}

/**
 * `{"time":…,"level":…,"msg":…, …fields}` without copying the fields into a new object first (the access
 * log writes one per request). A field named like one of the three is written twice; JSON.parse keeps the
 * last, as the spread it replaces did.
 */
function jsonLine(time: string, level: LogLevel, message: string, fields?: Record<string, unknown>): string {
  const head = `{"time":"${time}","level":"${level}","msg":${JSON.stringify(message)}`
  if (!fields) return `${head}}`
  const rest = JSON.stringify(fields)
  return rest.length > 2 ? `${head},${rest.slice(1)}` : `${head}}`
}

export function consoleLogger(options: LoggerOptions | LogLevel | 'silent' = {}): Logger {
  const { level = 'info', format = 'json', write = consoleWrite } = typeof options === 'string' ? { level: options } : options
  const threshold = RANK[level]
  const emit = (lvl: LogLevel, message: string, fields?: Record<string, unknown>) => {
    if (RANK[lvl] < threshold) return
    const time = new Date().toISOString()
    write(lvl, format === 'pretty' ? prettyLine(time, lvl, message, fields) : jsonLine(time, lvl, message, fields))
  }
  return {
    debug: (m, f) => emit('debug', m, f),
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
  }
}

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} }
