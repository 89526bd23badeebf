import type { MockReply, ReceivedRequest } from './mock-upstream.js'

/**
 * SYNTHESIZED replies for agent tests: an OpenAI-style backend that answers with one tool call first and
 * with text once the tool's result is in the conversation (what an agent needs to complete one tool step).
 * Built per OpenAI's streaming chunk format; no recording holds a two-turn agent exchange.
 */
export interface AgentScript {
  /** The tool the model calls, and its arguments. */
  tool: { name: string; arguments: Record<string, unknown> }
  /** The final answer, given the tool's result text. */
  answer: (toolResult: string) => string
}

interface ChatMessage { role: string; content?: unknown; tool_call_id?: string }

function chunk(delta: Record<string, unknown>, finish: string | null = null): string {
  return `data: ${JSON.stringify({ id: 'chatcmpl-agent', object: 'chat.completion.chunk', created: 1_767_323_045, model: 'gpt-4.1-nano', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`
}

const usageChunk = `data: ${JSON.stringify({ id: 'chatcmpl-agent', object: 'chat.completion.chunk', created: 1_767_323_045, model: 'gpt-4.1-nano', choices: [], usage: { prompt_tokens: 120, completion_tokens: 12, total_tokens: 132 } })}\n\n`

function textOf(content: unknown): string {
  if (typeof content === 'string') return content
  if (Array.isArray(content)) return content.map((part: { text?: string }) => part.text ?? '').join('')
  return ''
}

/** The text of the tool result in an OpenAI chat request, if there is one. */
export function toolResultIn(body: unknown): string | undefined {
  const messages = (body as { messages?: ChatMessage[] }).messages ?? []
  const result = messages.find((m) => m.role === 'tool')
  return result ? textOf(result.content) : undefined
}

/** A mock handler for /chat/completions following the script (streaming or not). */
export function agentReply(script: AgentScript, req: ReceivedRequest): MockReply {
  const body = req.body as { stream?: boolean }
  const result = toolResultIn(req.body)
  if (!body.stream) {
    const message = result === undefined
      ? { role: 'assistant', content: null, tool_calls: [{ id: 'call_agent_1', type: 'function', function: { name: script.tool.name, arguments: JSON.stringify(script.tool.arguments) } }] }
      : { role: 'assistant', content: script.answer(result) }
    return { json: { id: 'chatcmpl-agent', object: 'chat.completion', created: 1_767_323_045, model: 'gpt-4.1-nano', choices: [{ index: 0, message, finish_reason: result === undefined ? 'tool_calls' : 'stop' }], usage: { prompt_tokens: 120, completion_tokens: 12, total_tokens: 132 } } }
  }
  if (result === undefined) {
    return {
      sse: [
        chunk({ role: 'assistant', content: null, tool_calls: [{ index: 0, id: 'call_agent_1', type: 'function', function: { name: script.tool.name, arguments: '' } }] }),
        chunk({ tool_calls: [{ index: 0, function: { arguments: JSON.stringify(script.tool.arguments) } }] }),
        chunk({}, 'tool_calls'),
        usageChunk,
        'data: [DONE]\n\n',
      ],
    }
  }
  return { sse: [chunk({ role: 'assistant', content: script.answer(result) }), chunk({}, 'stop'), usageChunk, 'data: [DONE]\n\n'] }
}
