import type { ChatCompletion, ChatCompletionChunk } from '../../../providers/index.js'

/** What a strategy hands back; dispatch adds the x-manifold-* headers. */
export type StrategyResult =
  | { kind: 'json'; body: ChatCompletion; /** x-manifold-target */ targets: string }
  | { kind: 'stream'; chunks: AsyncIterable<ChatCompletionChunk>; targets: string }
