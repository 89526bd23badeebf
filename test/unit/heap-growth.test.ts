import { describe, expect, it } from 'vitest'
import { heapGrowthFlag } from '../../src/heap-growth.js'

describe('the old generation growth bound on Node', () => {
  it('is set when the operator gave none', () => {
    expect(heapGrowthFlag([], undefined)).toBe('--heap-growing-percent=50')
    expect(heapGrowthFlag(['--enable-source-maps'], '--max-old-space-size=512')).toBe('--heap-growing-percent=50')
  })

  it('leaves an operator’s own value alone, on the command line or in NODE_OPTIONS, in either spelling', () => {
    expect(heapGrowthFlag(['--heap-growing-percent=0'], undefined)).toBeUndefined()
    expect(heapGrowthFlag([], '--max-old-space-size=512 --heap_growing_percent=20')).toBeUndefined()
  })

  it('is not fooled by a flag that only starts the same way', () => {
    expect(heapGrowthFlag(['--heap-growing-percentage-report'], undefined)).toBe('--heap-growing-percent=50')
  })
})
