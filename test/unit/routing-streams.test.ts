import { describe, expect, it } from 'vitest'
import { interleave, type LaneEvent } from '../../src/streaming/interleave.js'
import { pipeStream, type StreamEnding } from '../../src/streaming/pipe-stream.js'
import { weightedOrder } from '../../src/routing/strategies/loadbalance.js'
import type { Target } from '../../src/routing/resolve.js'

/** An iterator the test feeds by hand, recording whether it was closed. */
function manual<T>() {
  const queue: Array<{ resolve: (r: IteratorResult<T>) => void; reject: (e: unknown) => void }> = []
  const state = { returned: false }
  const iterator: AsyncIterator<T> = {
    next: () => new Promise((resolve, reject) => queue.push({ resolve, reject })),
    return: async () => {
      state.returned = true
      return { done: true, value: undefined }
    },
  }
  return {
    iterator, state,
    push: (value: T) => queue.shift()!.resolve({ done: false, value }),
    end: () => queue.shift()!.resolve({ done: true, value: undefined }),
    fail: (error: unknown) => queue.shift()!.reject(error),
  }
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 0))

describe('streaming: interleave', () => {
  it('passes items on in arrival order, lane by lane, and a failing lane does not end the others', async () => {
    const a = manual<string>()
    const b = manual<string>()
    const merged = interleave([a.iterator, b.iterator])
    const seen: Array<LaneEvent<string>> = []
    const next = async () => seen.push((await merged.next()).value as LaneEvent<string>)

    const first = next()
    await tick()
    b.push('b1')
    await first
    const second = next()
    await tick()
    a.push('a1')
    await second
    const third = next()
    await tick()
    a.fail(new Error('a broke'))
    await third
    const fourth = next()
    await tick()
    b.end()
    await fourth
    expect(seen).toEqual([
      { lane: 1, kind: 'value', value: 'b1' },
      { lane: 0, kind: 'value', value: 'a1' },
      { lane: 0, kind: 'error', error: new Error('a broke') },
      { lane: 1, kind: 'done' },
    ])
    expect(await merged.next()).toEqual({ done: true, value: undefined })
  })

  it('closes every open lane on return(), even before the first next()', async () => {
    const a = manual<string>()
    const b = manual<string>()
    await interleave([a.iterator, b.iterator]).return!()
    expect([a.state.returned, b.state.returned]).toEqual([true, true])
  })
})

describe('streaming: pipeStream', () => {
  it('maps, drops undefined, and reports how it ended exactly once', async () => {
    const endings: StreamEnding[] = []
    async function* source() {
      yield 1
      yield 2
      yield 3
    }
    const piped = pipeStream(source(), { map: (n) => (n === 2 ? undefined : n * 10), end: (e) => void endings.push(e) })
    const out: number[] = []
    for await (const n of piped) out.push(n)
    expect(out).toEqual([10, 30])
    expect(endings).toEqual([{ kind: 'done' }])
  })

  it('closes the source and runs the end hook when returned before the first item', async () => {
    const src = manual<number>()
    const endings: StreamEnding[] = []
    const piped = pipeStream({ [Symbol.asyncIterator]: () => src.iterator }, { end: (e) => void endings.push(e) })
    await piped.return!()
    expect(src.state.returned).toBe(true)
    expect(endings).toEqual([{ kind: 'returned' }])
  })
})

describe('routing: weighted order', () => {
  const t = (model: string, weight: number) => ({ model, weight }) as Target
  it('picks by weight, then orders the rest the same way', () => {
    const targets = [t('a', 3), t('b', 1), t('c', 1)]
    expect(weightedOrder(targets, () => 0).map((x) => x.model)).toEqual(['a', 'b', 'c'])
    expect(weightedOrder(targets, () => 0.99).map((x) => x.model)).toEqual(['c', 'b', 'a'])
    // 0.7 × 5 = 3.5: b; then 0.7 × 4 = 2.8: a; then c.
    expect(weightedOrder(targets, () => 0.7).map((x) => x.model)).toEqual(['b', 'a', 'c'])
  })
})
