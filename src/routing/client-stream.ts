import type { ChatCompletionChunk } from '../../providers/index.js'
import { picoToUsd } from '../metering/cost.js'
import { pipeStream } from '../streaming/pipe-stream.js'
import { keepText, rawJsonOf } from '../../providers/raw-json.js'

type ChunkUsage = NonNullable<ChatCompletionChunk['usage']>

/** How OpenAI ends every chunk of a stream that asked for usage (the usage itself comes in a chunk of its own). */
const NULL_USAGE_TAIL = ',"usage":null}'

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
        // The upstream's text minus its last member is still exactly the stripped chunk: no serialising again.
        const raw = rawJsonOf(chunk)
        if (raw?.endsWith(NULL_USAGE_TAIL)) keepText(rest, `${raw.slice(0, -NULL_USAGE_TAIL.length)}}`)
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
