import { describe, expect, it } from 'vitest'
import type { ChatCompletion } from 'openai/resources'
import { responseFromChat } from './from-chat.js'
import { inputItems, parseResponsesRequest } from './request.js'
import { responseShell } from './response-object.js'
import { toChatRequest } from './to-chat.js'

const translate = (body: Record<string, unknown>) => {
  const request = parseResponsesRequest({ model: 'gemini/gemini-2.5-flash', ...body })
  return toChatRequest(request, inputItems(request))
}

describe('Responses request → chat', () => {
  it('instructions, a string input and the sampling settings', () => {
    const { body } = translate({ instructions: 'Be brief.', input: 'Hi', max_output_tokens: 50, temperature: 0.2, top_p: 0.9, safety_identifier: 'user-7' })
    expect(body).toEqual({
      model: 'gemini/gemini-2.5-flash',
      messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Hi' }],
      max_completion_tokens: 50, temperature: 0.2, top_p: 0.9, user: 'user-7',
    })
  })

  it('reasoning effort: none leaves it unset, minimal becomes low, the others pass', () => {
    expect(translate({ input: 'x', reasoning: { effort: 'none' } }).body).not.toHaveProperty('reasoning_effort')
    expect(translate({ input: 'x', reasoning: { effort: 'minimal' } }).body.reasoning_effort).toBe('low')
    expect(translate({ input: 'x', reasoning: { effort: 'high', summary: 'auto' } }).body.reasoning_effort).toBe('high')
  })

  it('text.format: json_schema and json_object become response_format; text adds nothing', () => {
    const schema = { type: 'object', properties: { a: { type: 'string' } } }
    expect(translate({ input: 'x', text: { format: { type: 'json_schema', name: 'out', schema, strict: true, description: 'd' } } }).body.response_format)
      .toEqual({ type: 'json_schema', json_schema: { name: 'out', schema, strict: true, description: 'd' } })
    expect(translate({ input: 'x', text: { format: { type: 'json_object' } } }).body.response_format).toEqual({ type: 'json_object' })
    expect(translate({ input: 'x', text: { format: { type: 'text' }, verbosity: 'low' } }).body).not.toHaveProperty('response_format')
  })

  it('tool_choice: a named function (namespaced too), a hosted tool\'s choice falls back to auto', () => {
    const tools = [{ type: 'function', name: 'f', parameters: { type: 'object', properties: {} } }, { type: 'namespace', name: 'ns', description: '', tools: [{ type: 'function', name: 'g' }] }]
    expect(translate({ input: 'x', tools, tool_choice: { type: 'function', name: 'f' } }).body.tool_choice).toEqual({ type: 'function', function: { name: 'f' } })
    expect(translate({ input: 'x', tools, tool_choice: { type: 'function', name: 'g', namespace: 'ns' } }).body.tool_choice).toEqual({ type: 'function', function: { name: 'ns__g' } })
    expect(translate({ input: 'x', tools, tool_choice: { type: 'web_search' } }).body.tool_choice).toBe('auto')
    expect(translate({ input: 'x', tools, tool_choice: 'required', parallel_tool_calls: false }).body).toMatchObject({ tool_choice: 'required', parallel_tool_calls: false })
  })

  it('only hosted tools: no tools and no tool_choice reach the backend', () => {
    expect(translate({ input: 'x', tools: [{ type: 'web_search' }, { type: 'file_search', vector_store_ids: [] }], tool_choice: 'auto' }).body).toEqual({
      model: 'gemini/gemini-2.5-flash', messages: [{ role: 'user', content: 'x' }],
    })
  })

  it('a custom (freeform) tool travels as a function with one string input, and comes back as a custom_tool_call', () => {
    const { body, names } = translate({ input: 'patch it', tools: [{ type: 'custom', name: 'apply_patch', description: 'Apply a patch' }] })
    expect(body.tools).toEqual([{ type: 'function', function: { name: 'apply_patch', description: 'Apply a patch', parameters: { type: 'object', properties: { input: { type: 'string', description: 'The raw input of the tool.' } }, required: ['input'] } } }])
    const completion: ChatCompletion = {
      id: 'c', object: 'chat.completion', created: 1, model: 'm',
      choices: [{ index: 0, finish_reason: 'tool_calls', logprobs: null, message: { role: 'assistant', content: null, refusal: null, tool_calls: [{ id: 'call_9', type: 'function', function: { name: 'apply_patch', arguments: '{"input":"*** Begin Patch"}' } }] } }],
      usage: { prompt_tokens: 5, completion_tokens: 3, total_tokens: 8 },
    }
    const request = parseResponsesRequest({ model: 'm', input: 'patch it' })
    const response = responseFromChat(responseShell(request, 'resp_1', 0, 'm'), completion, names)
    expect(response.output).toEqual([{ id: expect.stringMatching(/^ctc_/), type: 'custom_tool_call', status: 'completed', call_id: 'call_9', name: 'apply_patch', input: '*** Begin Patch' }])
    expect(response.usage).toEqual({ input_tokens: 5, input_tokens_details: { cached_tokens: 0 }, output_tokens: 3, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 8 })

    const back = translate({ input: [{ type: 'custom_tool_call', call_id: 'call_9', name: 'apply_patch', input: '*** Begin Patch' }, { type: 'custom_tool_call_output', call_id: 'call_9', output: 'Done' }], tools: [{ type: 'custom', name: 'apply_patch' }] })
    expect(back.body.messages).toEqual([
      { role: 'assistant', content: null, tool_calls: [{ id: 'call_9', type: 'function', function: { name: 'apply_patch', arguments: '{"input":"*** Begin Patch"}' } }] },
      { role: 'tool', tool_call_id: 'call_9', content: 'Done' },
    ])
  })

  it('assistant text followed by its function calls is one assistant message; easy messages without a type work', () => {
    const { body } = translate({
      input: [
        { role: 'user', content: 'go' },
        { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'Calling.' }] },
        { type: 'function_call', call_id: 'a', name: 'f', arguments: '{"x":1}' },
        { type: 'function_call', call_id: 'b', name: 'f', arguments: '{"x":2}' },
        { type: 'function_call_output', call_id: 'a', output: [{ type: 'input_text', text: 'one' }] },
        { type: 'function_call_output', call_id: 'b', output: 'two' },
      ],
    })
    expect(body.messages).toEqual([
      { role: 'user', content: 'go' },
      { role: 'assistant', content: 'Calling.', tool_calls: [{ id: 'a', type: 'function', function: { name: 'f', arguments: '{"x":1}' } }, { id: 'b', type: 'function', function: { name: 'f', arguments: '{"x":2}' } }] },
      { role: 'tool', tool_call_id: 'a', content: 'one' },
      { role: 'tool', tool_call_id: 'b', content: 'two' },
    ])
  })

  it('refuses what no other backend can take, naming the item', () => {
    expect(() => translate({ input: [{ role: 'user', content: [{ type: 'input_image', file_id: 'file-1' }] }] })).toThrow("input[0].content[0]: input_image needs an image_url (file_id images exist only on OpenAI).")
    expect(() => translate({ input: 'x', tools: [{ type: 'computer_use_preview_v9' }] })).toThrow("tools[0]: tools of type 'computer_use_preview_v9' can only be sent to OpenAI.")
    expect(() => translate({ input: [{ type: 'reasoning', encrypted_content: 'x', summary: [] }] })).toThrow('The request has no input')
    expect(() => parseResponsesRequest({ model: 'm', input: 'x', background: true })).toThrow('background mode is not supported')
  })
})
