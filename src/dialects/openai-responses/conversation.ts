import type { Principal } from '../../app-env.js'
import type { AppDeps } from '../../deps.js'
import { GatewayError, invalidRequest } from '../../errors.js'
import type { InputItem, ResponsesRequest } from './request.js'
import { inputItems } from './request.js'
import { conversationOf, loadResponse, recentOutputItems } from './response-store.js'

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

/**
 * Replaces `item_reference`s (clients that let responses be stored send earlier output by id) with the
 * items this key's stored responses hold. Reasoning that is not found was OpenAI's own and is dropped, as
 * reasoning is off OpenAI; any other unknown id is a 400.
 */
export async function resolveItemReferences(deps: AppDeps, principal: Principal, items: InputItem[]): Promise<InputItem[]> {
  if (!items.some((item) => item.type === 'item_reference')) return items
  const known = await recentOutputItems(deps, principal)
  const out: InputItem[] = []
  items.forEach((item, i) => {
    if (item.type !== 'item_reference') return out.push(item)
    const id = typeof item.id === 'string' ? item.id : ''
    const found = known.get(id)
    if (found) return out.push(found)
    if (id.startsWith('rs_')) return
    throw invalidRequest(`input[${i}]: no stored item with id '${id}' (item_reference).`, `input[${i}].id`, 'item_not_found')
  })
  return out
}
