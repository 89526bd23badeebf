/** Structured, one-line JSON logs. Never pass a secret: callers log ids and prefixes, not keys. */
export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void
  warn(message: string, fields?: Record<string, unknown>): void
  error(message: string, fields?: Record<string, unknown>): void
}

export function consoleLogger(level: 'info' | 'warn' | 'error' | 'silent' = 'info'): Logger {
  const rank = { info: 0, warn: 1, error: 2, silent: 3 }[level]
  const write = (lvl: 'info' | 'warn' | 'error', message: string, fields?: Record<string, unknown>) => {
    if ({ info: 0, warn: 1, error: 2 }[lvl] < rank) return
    const line = JSON.stringify({ time: new Date().toISOString(), level: lvl, msg: message, ...fields })
    if (lvl === 'info') console.log(line)
    else console.error(line)
  }
  return {
    info: (m, f) => write('info', m, f),
    warn: (m, f) => write('warn', m, f),
    error: (m, f) => write('error', m, f),
  }
}

export const silentLogger: Logger = { info() {}, warn() {}, error() {} }
