/** One frame of an Anthropic stream: its `event:` line and its parsed data. */
export interface AnthropicFrame {
  event: string | undefined
  data: { type: string; [key: string]: unknown }
}

/** Splits an Anthropic SSE body into frames; a frame without an event line keeps `event` undefined. */
export function parseAnthropicSse(text: string): AnthropicFrame[] {
  return text.split(/\r?\n\r?\n/).filter((frame) => frame.trim() !== '').map((frame) => {
    const lines = frame.split(/\r?\n/)
    const event = lines.find((l) => l.startsWith('event:'))?.slice(6).trim()
    const data = lines.filter((l) => l.startsWith('data:')).map((l) => l.slice(5).trimStart()).join('\n')
    return { event, data: JSON.parse(data) as AnthropicFrame['data'] }
  })
}

/**
 * A stream in short: one string per event (`content_block_start 1 tool_use weather`, `text_delta 0 Hi`,
 * `message_delta tool_use`), so a test can state the exact sequence it expects.
 */
export function describeEvents(frames: AnthropicFrame[]): string[] {
  return frames.map(({ data }) => {
    if (data.type === 'content_block_start') {
      const block = data.content_block as { type: string; name?: string; id?: string }
      return `content_block_start ${String(data.index)} ${block.type}${block.name ? ` ${block.name} ${block.id}` : ''}`
    }
    if (data.type === 'content_block_delta') {
      const delta = data.delta as { type: string; text?: string; thinking?: string; partial_json?: string }
      return `${delta.type} ${String(data.index)} ${delta.text ?? delta.thinking ?? delta.partial_json}`
    }
    if (data.type === 'content_block_stop') return `content_block_stop ${String(data.index)}`
    if (data.type === 'message_delta') return `message_delta ${(data.delta as { stop_reason: string }).stop_reason}`
    return data.type
  })
}
