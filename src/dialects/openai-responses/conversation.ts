import type { Principal } from '../../app-env.js'
import type { AppDeps } from '../../deps.js'
import { GatewayError } from '../../errors.js'
import type { InputItem, ResponsesRequest } from './request.js'
import { inputItems } from './request.js'
import { conversationOf, loadResponse } from './response-store.js'

export interface Conversation {
  /** The stored turns previous_response_id continues (empty when the gateway holds none). */
  history: InputItem[]
  /** This request's own input items. */
  input: InputItem[]
}

/** Every item of the conversation so far, this request's input last. */
export const allItems = (conversation: Conversation): InputItem[] => [...conversation.history, ...conversation.input]

/**
 * The items a call sends: with previous_response_id, the stored conversation it continues, then the new
 * input. A response the gateway does not hold may still be OpenAI's own (native calls pass the id on);
 * anywhere else it is a 404.
 */
export async function conversationFor(deps: AppDeps, principal: Principal, request: ResponsesRequest, native: boolean): Promise<Conversation> {
  const input = inputItems(request)
  const previous = request.previous_response_id
  if (!previous) return { history: [], input }
  try {
    const stored = await loadResponse(deps, principal, previous)
    return { history: conversationOf(stored.items, stored.response.output), input }
  } catch (err) {
    if (native && err instanceof GatewayError && err.status === 404) return { history: [], input }
    throw err
  }
}

/**
 * Items replayed to OpenAI without its own stored state: ids the gateway minted mean nothing there (they
 * are dropped), and reasoning can go back only with its encrypted content.
 */
export function itemsForOpenAI(items: readonly InputItem[]): InputItem[] {
  const out: InputItem[] = []
  for (const item of items) {
    if (item.type === 'reasoning') {
      if (typeof item.encrypted_content === 'string') out.push(item)
      continue
    }
    const { id: _id, status: _status, ...rest } = item
    out.push(rest)
  }
  return out
}
