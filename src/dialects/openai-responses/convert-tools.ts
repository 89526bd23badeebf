import type { ChatCompletionCreateParams, ChatCompletionTool, ChatCompletionToolChoiceOption } from 'openai/resources'
import { invalidRequest } from '../../errors.js'
import type { ResponsesRequest } from './request.js'

type ToolSpec = Record<string, unknown> & { type: string; name?: string }

/** What a backend's function name stands for in the Responses API. */
export interface ToolIdentity {
  name: string
  namespace?: string
  /** A freeform (`custom`) tool: its one string input travels as `{"input": …}`. */
  custom: boolean
}

/**
 * Names both ways: namespaced tools are flattened to `namespace__name` for backends that know no namespaces,
 * and a call to a flattened name is given back its namespace.
 */
export class ToolNames {
  private readonly byBackendName = new Map<string, ToolIdentity>()

  add(identity: ToolIdentity): string {
    const backendName = identity.namespace ? `${identity.namespace}__${identity.name}` : identity.name
    this.byBackendName.set(backendName, identity)
    return backendName
  }

  toBackend(name: string, namespace?: string): string {
    return namespace ? `${namespace}__${name}` : name
  }

  fromBackend(backendName: string): ToolIdentity {
    return this.byBackendName.get(backendName) ?? { name: backendName, custom: false }
  }
}

/** Tools OpenAI runs itself (search, code, images, MCP, computer): other backends cannot, so they are left out. */
const hostedToolTypes = new Set([
  'web_search', 'web_search_preview', 'web_search_2025_08_26', 'web_search_preview_2025_03_11', 'file_search',
  'code_interpreter', 'image_generation', 'mcp', 'computer_use_preview', 'computer_use', 'local_shell', 'shell',
  'apply_patch', 'tool_search',
])

function functionTool(spec: ToolSpec, names: ToolNames, namespace: string | undefined, where: string): ChatCompletionTool {
  if (!spec.name) throw invalidRequest(`${where}: a function tool needs a name.`, `${where}.name`, 'missing_required_parameter')
  const custom = spec.type === 'custom'
  const name = names.add({ name: spec.name, namespace, custom })
  const parameters = custom
    ? { type: 'object', properties: { input: { type: 'string', description: 'The raw input of the tool.' } }, required: ['input'] }
    : (spec.parameters as Record<string, unknown> | undefined) ?? { type: 'object', properties: {} }
  const description = typeof spec.description === 'string' ? spec.description : undefined
  return {
    type: 'function',
    function: { name, parameters, ...(description ? { description } : {}), ...(spec.strict === true ? { strict: true } : {}) },
  }
}

/** Responses tools → chat tools: functions kept, namespaces flattened, hosted tools dropped. */
export function convertTools(tools: ResponsesRequest['tools'], names: ToolNames): ChatCompletionTool[] {
  const out: ChatCompletionTool[] = []
  ;(tools ?? []).forEach((raw, i) => {
    const spec = raw as ToolSpec
    const where = `tools[${i}]`
    if (spec.type === 'function' || spec.type === 'custom') out.push(functionTool(spec, names, undefined, where))
    else if (spec.type === 'namespace') {
      const inner = Array.isArray(spec.tools) ? (spec.tools as ToolSpec[]) : []
      inner.forEach((child, j) => {
        if (child.type === 'function' || child.type === 'custom') out.push(functionTool(child, names, spec.name, `${where}.tools[${j}]`))
      })
    } else if (!hostedToolTypes.has(spec.type)) {
      throw invalidRequest(`${where}: tools of type '${spec.type}' can only be sent to OpenAI.`, `${where}.type`, 'unsupported_value')
    }
  })
  return out
}

/** Responses tool_choice → chat tool_choice; a hosted tool's choice (dropped with the tool) becomes `auto`. */
export function convertToolChoice(choice: ResponsesRequest['tool_choice'], names: ToolNames): ChatCompletionToolChoiceOption | undefined {
  if (choice === undefined || choice === null) return undefined
  if (typeof choice === 'string') return choice
  const spec = choice as Record<string, unknown> & { type: string }
  if ((spec.type === 'function' || spec.type === 'custom') && typeof spec.name === 'string') {
    return { type: 'function', function: { name: names.toBackend(spec.name, typeof spec.namespace === 'string' ? spec.namespace : undefined) } }
  }
  if (spec.type === 'allowed_tools') return spec.mode === 'required' ? 'required' : 'auto'
  return 'auto'
}

/** `text.format` → chat `response_format`. */
export function convertTextFormat(text: ResponsesRequest['text']): ChatCompletionCreateParams['response_format'] {
  const format = text?.format as (Record<string, unknown> & { type: string }) | null | undefined
  if (!format || format.type === 'text') return undefined
  if (format.type === 'json_object') return { type: 'json_object' }
  const name = typeof format.name === 'string' ? format.name : 'response'
  return {
    type: 'json_schema',
    json_schema: {
      name,
      schema: format.schema as Record<string, unknown> | undefined,
      ...(typeof format.description === 'string' ? { description: format.description } : {}),
      ...(typeof format.strict === 'boolean' ? { strict: format.strict } : {}),
    },
  }
}
