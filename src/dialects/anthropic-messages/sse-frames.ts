/** One SSE frame as received (its text kept byte for byte), with its event type and parsed data. */
export interface RawFrame {
  text: string
  event: string | undefined
  data: unknown
}

function parseFrame(text: string): RawFrame {
  let event: string | undefined
  const data: string[] = []
  for (const line of text.split(/\r?\n/)) {
    if (line.startsWith('event:')) event = line.slice(6).trim()
    else if (line.startsWith('data:')) data.push(line.slice(5).trimStart())
  }
  let parsed: unknown
  try {
    parsed = data.length > 0 ? JSON.parse(data.join('\n')) : undefined
  } catch {
    parsed = undefined
  }
  return { text, event, data: parsed }
}

const SEPARATOR = /\r?\n\r?\n/

/** Splits an SSE byte stream into whole frames, each with its own separator, as they arrive. */
export async function* readSseFrames(body: ReadableStream<Uint8Array>): AsyncGenerator<RawFrame> {
  const reader = body.getReader()
  const decoder = new TextDecoder()
  let buffer = ''
  try {
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      buffer += decoder.decode(value, { stream: true })
      for (let match = SEPARATOR.exec(buffer); match; match = SEPARATOR.exec(buffer)) {
        const end = match.index + match[0].length
        const frame = buffer.slice(0, end)
        buffer = buffer.slice(end)
        if (frame.trim() !== '') yield parseFrame(frame)
      }
    }
    if (buffer.trim() !== '') yield parseFrame(buffer)
  } finally {
    await reader.cancel().catch(() => undefined)
  }
}
