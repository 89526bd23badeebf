import type { ChatCompletionChunk } from '../../providers/index.js'
import { keepText, rawJsonOf } from '../../providers/raw-json.js'
import { picoToUsd } from '../metering/cost.js'
import { pipeStream } from '../streaming/pipe-stream.js'

type ChunkUsage = NonNullable<ChatCompletionChunk['usage']>

/** How OpenAI ends every chunk of a stream that asked for usage (the usage itself comes in a chunk of its own). */
const NULL_USAGE_TAIL = ',"usage":null}'

/** What the client asked of the stream's usage, and what a usage chunk costs. */
export interface ClientShaping {
  includeUsage: boolean
  costOf: (usage: ChunkUsage) => number | null
}

/**
 * One upstream chunk as the client receives it. Usage is always requested upstream (to meter the call) but
 * reaches the client only when it asked with stream_options.include_usage; then the usage chunk carries
 * `cost_usd` beside the token counts. Undefined drops the chunk.
 */
export function shapeForClient(chunk: ChatCompletionChunk, shaping: ClientShaping): ChatCompletionChunk | undefined {
  if (!('usage' in chunk)) return chunk
  if (!shaping.includeUsage) {
    if (chunk.usage && chunk.choices.length === 0) return undefined
    const { usage: _dropped, ...rest } = chunk
    // The upstream's text minus its last member is still exactly the stripped chunk: no serialising again.
    const raw = rawJsonOf(chunk)
    if (raw?.endsWith(NULL_USAGE_TAIL)) keepText(rest, `${raw.slice(0, -NULL_USAGE_TAIL.length)}}`)
    return rest as ChatCompletionChunk
  }
  if (!chunk.usage) return chunk
  const pico = shaping.costOf(chunk.usage)
  return { ...chunk, usage: { ...chunk.usage, cost_usd: pico === null ? null : picoToUsd(pico) } as ChunkUsage }
}

/** Chunks shaped for the client (a race's winner); `onEnd` runs once when the stream ends, however it ends. */
export function clientStream(source: AsyncIterable<ChatCompletionChunk>, shaping: ClientShaping, onEnd: () => void): AsyncIterableIterator<ChatCompletionChunk> {
  return pipeStream<ChatCompletionChunk>(source, {
    map: (chunk) => shapeForClient(chunk, shaping),
    end() {
      onEnd()
      return undefined
    },
  })
}
