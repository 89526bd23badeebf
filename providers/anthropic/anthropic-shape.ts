import { z } from 'zod'
import type { Message, RawMessageStreamEvent } from '@anthropic-ai/sdk/resources/messages'
import { checkShape } from '../shape-check.js'
import { invalidResponse } from '../transport-errors.js'

/** The fields of Anthropic's Messages answers the translation reads; everything else passes untouched. */
const usageShape = z.looseObject({})
const messageShape = z.looseObject({
  id: z.string(),
  content: z.array(z.looseObject({ type: z.string() })),
  usage: usageShape,
})

const eventShape = z.discriminatedUnion('type', [
  z.looseObject({ type: z.literal('message_start'), message: z.looseObject({ id: z.string(), usage: usageShape }) }),
  z.looseObject({ type: z.literal('content_block_start'), index: z.number(), content_block: z.looseObject({ type: z.string() }) }),
  z.looseObject({ type: z.literal('content_block_delta'), index: z.number(), delta: z.looseObject({ type: z.string() }) }),
  z.looseObject({ type: z.literal('content_block_stop') }),
  z.looseObject({ type: z.literal('message_delta'), delta: z.looseObject({}), usage: usageShape }),
  z.looseObject({ type: z.literal('message_stop') }),
  z.looseObject({ type: z.literal('ping') }),
])

export const checkedMessage = (provider: string, body: unknown) => checkShape<Message>(messageShape, provider, body)

/** Each stream event checked before translation; an event type this gateway does not know yet passes. */
export async function* checkedEvents(provider: string, events: AsyncIterable<RawMessageStreamEvent>): AsyncGenerator<RawMessageStreamEvent> {
  for await (const event of events) {
    const type = typeof event === 'object' && event !== null ? (event as { type?: unknown }).type : undefined
    if (typeof type !== 'string') throw invalidResponse(provider, 'stream event without a type')
    const known = eventShape.options.some((option) => option.shape.type.value === type)
    if (known) checkShape(eventShape, provider, event, `${type} event`)
    yield event
  }
}
