import Database from 'better-sqlite3'
import { parentPort, workerData } from 'node:worker_threads'
import { sqliteUsageWriter, type CompiledStatement, type UsageValues } from './sqlite-usage-writer.js'

/** What the thread is started with: the database file and the usage insert's columns. */
export interface UsageThreadData {
  path: string
  columns: string[]
}

/** A batch to write, as the main thread posts it. */
export interface UsageWriteMessage {
  id: number
  /** The rows' values (UsageValues) as one JSON array. */
  rows: string
  after: readonly CompiledStatement[]
}

/** The answer once the batch's transaction committed (no error) or rolled back (error). */
export interface UsageWriteReply {
  id: number
  error?: string
}

/**
 * The writer thread: its own connection to the gateway's database file (WAL, so it writes while the main
 * connection reads), writing each posted batch in one transaction and answering once it is committed.
 * Batches are handled one at a time, in the order posted.
 */
function serve({ path, columns }: UsageThreadData): void {
  const port = parentPort
  if (!port) throw new Error('sqlite-usage-thread runs as a worker thread only')
  const client = new Database(path)
  client.pragma('synchronous = NORMAL')
  client.pragma('busy_timeout = 5000')
  const write = sqliteUsageWriter(client, columns)
  port.on('message', (message: UsageWriteMessage) => {
    let reply: UsageWriteReply
    try {
      write(JSON.parse(message.rows) as UsageValues[], message.after)
      reply = { id: message.id }
    } catch (err) {
      reply = { id: message.id, error: err instanceof Error ? err.message : String(err) }
    }
    port.postMessage(reply)
  })
}

serve(workerData as UsageThreadData)
