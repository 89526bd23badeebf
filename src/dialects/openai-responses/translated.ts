import type { AppDeps } from '../../deps.js'
import type { CallMeta } from '../../routing/call-meta.js'
import { dispatchChat } from '../../routing/dispatch.js'
import { generateId } from '../../security/keys.js'
import { responseFromChat } from './from-chat.js'
import type { InputItem, ResponsesRequest } from './request.js'
import { responseShell, type ResponseObject } from './response-object.js'
import { responseEvents, type ResponseEvent } from './stream-events.js'
import { toChatRequest } from './to-chat.js'

export type TranslatedResult =
  | { kind: 'json'; response: ResponseObject; headers: Record<string, string> }
  | { kind: 'stream'; events: AsyncIterable<ResponseEvent>; headers: Record<string, string> }

/**
 * A Responses call on any backend: translated to chat, sent through the same dispatch as chat
 * (admission, strategy, metering), and its completion or chunk stream translated back.
 * `onFinal` receives the finished Response (for storage).
 */
export async function dispatchTranslated(deps: AppDeps, request: ResponsesRequest, items: readonly InputItem[], meta: CallMeta, onFinal: (response: ResponseObject) => void): Promise<TranslatedResult> {
  const { body, names } = toChatRequest(request, items)
  const shell = responseShell(request, generateId('resp'), deps.clock.now(), request.model)
  const result = await dispatchChat(deps, body, meta)
  if (result.kind === 'json') {
    const response = responseFromChat(shell, result.body, names)
    onFinal(response)
    return { kind: 'json', response, headers: result.headers }
  }
  return { kind: 'stream', events: responseEvents(shell, result.chunks, names, onFinal), headers: result.headers }
}
