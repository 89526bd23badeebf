import { describe, expect, it } from 'vitest'
import { consoleLogger } from '../../src/log.js'
import { batchedLogSink } from '../../src/node-log-sink.js'

function capture() {
  const writes: Array<{ stream: 'stdout' | 'stderr'; text: string }> = []
  const streams = {
    stdout: { write: (text: string) => writes.push({ stream: 'stdout', text }) },
    stderr: { write: (text: string) => writes.push({ stream: 'stderr', text }) },
  }
  return { writes, streams }
}

const nextTurn = () => new Promise((resolve) => setImmediate(resolve))

describe('the Node log sink', () => {
  it('writes the info lines of one event-loop turn to stdout in one call, in order', async () => {
    const { writes, streams } = capture()
    const log = consoleLogger({ write: batchedLogSink(streams).write })
    log.info('request', { n: 1 })
    log.info('request', { n: 2 })
    expect(writes).toEqual([])
    await nextTurn()
    expect(writes).toHaveLength(1)
    expect(writes[0]!.stream).toBe('stdout')
    expect(writes[0]!.text.split('\n').filter(Boolean).map((line) => JSON.parse(line).n)).toEqual([1, 2])
    log.info('request', { n: 3 })
    await nextTurn()
    expect(writes.map((w) => w.text.endsWith('\n'))).toEqual([true, true])
    expect(JSON.parse(writes[1]!.text).n).toBe(3)
  })

  it('writes a warning at once to stderr, after the lines already pending', () => {
    const { writes, streams } = capture()
    const log = consoleLogger({ write: batchedLogSink(streams).write })
    log.info('before')
    log.error('failed')
    expect(writes.map((w) => [w.stream, JSON.parse(w.text).msg])).toEqual([['stdout', 'before'], ['stderr', 'failed']])
  })

  it('flush writes what is pending (the exit hook), and nothing when nothing is', () => {
    const { writes, streams } = capture()
    const sink = batchedLogSink(streams)
    sink.flush()
    expect(writes).toEqual([])
    sink.write('info', 'last line')
    sink.flush()
    expect(writes).toEqual([{ stream: 'stdout', text: 'last line\n' }])
  })
})
