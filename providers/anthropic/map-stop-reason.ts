import type { ChatCompletion } from 'openai/resources'
import type { StopReason } from '@anthropic-ai/sdk/resources/messages'

export type FinishReason = ChatCompletion.Choice['finish_reason']

/**
 * Anthropic's stop_reason as OpenAI's finish_reason. `jsonTool` is true when the tool call was the gateway's
 * own `json` tool standing in for response_format json_object: the client asked for text, so it is a stop.
 */
export function mapStopReason(reason: StopReason | null | undefined, jsonTool = false): FinishReason {
  switch (reason) {
    case 'max_tokens':
    case 'model_context_window_exceeded':
      return 'length'
    case 'tool_use':
      return jsonTool ? 'stop' : 'tool_calls'
    case 'refusal':
      return 'content_filter'
    // pause_turn only follows server tools, which the gateway never sends: the turn simply ended.
    case 'end_turn':
    case 'stop_sequence':
    case 'pause_turn':
    default:
      return 'stop'
  }
}
