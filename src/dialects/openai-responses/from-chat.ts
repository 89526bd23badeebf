import type { ChatCompletion } from 'openai/resources'
import type { ToolNames } from './convert-tools.js'
import { endingOf, newItemId, responseUsage, type OutputItem, type ResponseObject } from './response-object.js'

type MessageWithReasoning = ChatCompletion.Choice['message'] & { reasoning_content?: string }

/** A backend's function call as a Responses item: a function_call, or a custom_tool_call for a freeform tool. */
export function callItem(names: ToolNames, callId: string, backendName: string, args: string, status: 'in_progress' | 'completed'): OutputItem {
  const identity = names.fromBackend(backendName)
  const namespace = identity.namespace ? { namespace: identity.namespace } : {}
  if (identity.custom) {
    let input = args
    try {
      const parsed = JSON.parse(args) as { input?: unknown }
      if (typeof parsed.input === 'string') input = parsed.input
    } catch {
      // not JSON: the backend sent the raw input itself
    }
    return { id: newItemId('ctc'), type: 'custom_tool_call', status, call_id: callId, name: identity.name, ...namespace, input }
  }
  return { id: newItemId('fc'), type: 'function_call', status, call_id: callId, name: identity.name, ...namespace, arguments: args }
}

/** A whole chat completion → the Response it stands for (reasoning, text, function calls, usage). */
export function responseFromChat(shell: ResponseObject, completion: ChatCompletion, names: ToolNames): ResponseObject {
  const choice = completion.choices[0]
  const message = choice?.message as MessageWithReasoning | undefined
  const output: OutputItem[] = []
  if (message?.reasoning_content) {
    output.push({ id: newItemId('rs'), type: 'reasoning', summary: [{ type: 'summary_text', text: message.reasoning_content }] })
  }
  if (message?.content || message?.refusal) {
    output.push({
      id: newItemId('msg'), type: 'message', status: 'completed', role: 'assistant',
      content: message.refusal
        ? [{ type: 'refusal', refusal: message.refusal }]
        : [{ type: 'output_text', text: message.content ?? '', annotations: [], logprobs: [] }],
    })
  }
  for (const call of message?.tool_calls ?? []) {
    if (call.type !== 'function') continue
    output.push(callItem(names, call.id, call.function.name, call.function.arguments, 'completed'))
  }
  return { ...shell, ...endingOf(choice?.finish_reason), output, usage: responseUsage(completion.usage) }
}
