import type { ChatCompletionChunk } from '../../providers/index.js'
import { picoToUsd } from '../metering/cost.js'

type ChunkUsage = NonNullable<ChatCompletionChunk['usage']>

/**
 * Shapes the upstream's chunks for the client. Usage is always requested upstream (to meter the call) but
 * reaches the client only when it asked with stream_options.include_usage; then the usage chunk carries
 * `cost_usd` beside the token counts.
 */
export async function* clientStream(
  source: AsyncIterable<ChatCompletionChunk>,
  includeUsage: boolean,
  costOf: (usage: ChunkUsage) => number | null,
): AsyncGenerator<ChatCompletionChunk> {
  for await (const chunk of source) {
    if (!('usage' in chunk)) {
      yield chunk
    } else if (!includeUsage) {
      if (chunk.usage && chunk.choices.length === 0) continue
      const { usage: _dropped, ...rest } = chunk
      yield rest as ChatCompletionChunk
    } else if (chunk.usage) {
      const pico = costOf(chunk.usage)
      yield { ...chunk, usage: { ...chunk.usage, cost_usd: pico === null ? null : picoToUsd(pico) } as ChunkUsage }
    } else {
      yield chunk
    }
  }
}
