import type { ChatCompletionChunk } from '../../providers/index.js'
import { picoToUsd } from '../metering/cost.js'
import { pipeStream } from '../streaming/pipe-stream.js'

type ChunkUsage = NonNullable<ChatCompletionChunk['usage']>

/**
 * Shapes the upstream's chunks for the client. Usage is always requested upstream (to meter the call) but
 * reaches the client only when it asked with stream_options.include_usage; then the usage chunk carries
 * `cost_usd` beside the token counts. `onEnd` runs once when the stream ends, however it ends.
 */
export function clientStream(
  source: AsyncIterable<ChatCompletionChunk>,
  includeUsage: boolean,
  costOf: (usage: ChunkUsage) => number | null,
  onEnd?: () => void,
): AsyncIterableIterator<ChatCompletionChunk> {
  return pipeStream<ChatCompletionChunk>(source, {
    map(chunk) {
      if (!('usage' in chunk)) return chunk
      if (!includeUsage) {
        if (chunk.usage && chunk.choices.length === 0) return undefined
        const { usage: _dropped, ...rest } = chunk
        return rest as ChatCompletionChunk
      }
      if (!chunk.usage) return chunk
      const pico = costOf(chunk.usage)
      return { ...chunk, usage: { ...chunk.usage, cost_usd: pico === null ? null : picoToUsd(pico) } as ChunkUsage }
    },
    end: onEnd && (() => {
      onEnd()
      return undefined
    }),
  })
}
