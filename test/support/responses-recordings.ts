import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { sseFromChunkLines } from './mock-upstream.js'

/**
 * OpenAI Responses API recordings (src/dialects/openai-responses/__fixtures__, from vercel/ai): frames
 * replayed as OpenAI sends them (`event:` + `data:`, no [DONE]) and the bodies they amount to.
 */
const FIXTURES = join(import.meta.dirname, '..', '..', 'src', 'dialects', 'openai-responses', '__fixtures__')

export const responsesFixtureText = (file: string) => readFileSync(join(FIXTURES, file), 'utf8')

export interface RecordedEvent { type: string; sequence_number: number; response?: RecordedResponse; delta?: string; [key: string]: unknown }
export interface RecordedResponse { id: string; output: Array<Record<string, unknown> & { type: string }>; usage: Record<string, unknown> | null; [key: string]: unknown }

function eventsOf(file: string): RecordedEvent[] {
  return responsesFixtureText(file).split('\n').filter((line) => line.trim() !== '').map((line) => JSON.parse(line) as RecordedEvent)
}

/** The recorded events, split into one stream per recorded response (a multi-step recording holds several). */
export function recordedStreams(file: string): RecordedEvent[][] {
  const streams: RecordedEvent[][] = []
  for (const event of eventsOf(file)) {
    if (event.type === 'response.created') streams.push([])
    streams.at(-1)!.push(event)
  }
  return streams
}

/** OpenAI's SSE frames for recorded events, as lines of the recording (byte for byte). */
export function framesOfEvents(events: RecordedEvent[]): string[] {
  return sseFromChunkLines(events.map((e) => JSON.stringify(e)).join('\n'), { eventFromType: true, done: false })
}

/** The text of the output_text parts of a Response (what the SDK's `output_text` joins). */
export function outputText(response: RecordedResponse): string {
  return response.output.flatMap((item) => (item.type === 'message' ? (item.content as Array<{ type: string; text?: string }>) : []))
    .filter((part) => part.type === 'output_text').map((part) => part.text ?? '').join('')
}

/** Text streamed as output_text deltas. */
export function streamedText(events: RecordedEvent[]): string {
  return events.filter((e) => e.type === 'response.output_text.delta').map((e) => e.delta ?? '').join('')
}

const finalOf = (events: RecordedEvent[]) => events.find((e) => e.type === 'response.completed')!.response!

const toolLoop = recordedStreams('vercel-openai-reasoning-encrypted-content.1.chunks.txt')

/** Plain text: the JSON holds two messages (commentary, then the answer); the stream is a tool loop's last, text-only step. */
export const textStream = toolLoop[3]!
export const textJson = JSON.parse(responsesFixtureText('vercel-openai-phase.1.json')) as RecordedResponse
/** An abridged recording (its sequence numbers skip): the gateway must pass it on as it is all the same. */
export const abridgedStream = recordedStreams('vercel-openai-phase.1.chunks.txt')[0]!

/** Encrypted reasoning, then a function call (`calculator`): the first step of a recorded tool loop. */
export const toolStream = toolLoop[0]!
/** The Response that step's stream completed with (recorded only as a stream). */
export const toolJson = finalOf(toolStream)

/** A stream that fails after it began: `error`, then `response.failed`. */
export const errorStream = recordedStreams('vercel-openai-error.1.chunks.txt')[0]!
