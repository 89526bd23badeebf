/** The JSON payloads of an SSE body (`data: …` frames), and whether it ended with [DONE]. */
export function parseSseBody(text: string): { events: unknown[]; done: boolean } {
  const events: unknown[] = []
  let done = false
  for (const frame of text.split(/\r?\n\r?\n/)) {
    const data = frame.split(/\r?\n/).filter((l) => l.startsWith('data:')).map((l) => l.slice(5).trimStart()).join('\n')
    if (!data) continue
    if (data === '[DONE]') {
      done = true
      continue
    }
    events.push(JSON.parse(data))
  }
  return { events, done }
}
