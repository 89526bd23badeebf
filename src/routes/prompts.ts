import { Hono, type Context } from 'hono'
import type { AppEnv, Principal } from '../app-env.js'
import type { AppDeps } from '../deps.js'
import { readJsonBody } from '../openai/read-json.js'
import { PromptCatalog } from '../prompt-api/catalog.js'
import { promptVariables } from '../prompt-api/input.js'
import { lifecycleHeaders, mayUsePrompt, selectVersion, versionPath } from '../prompt-api/lifecycle.js'
import type { PromptDefinition } from '../prompt-api/prompt-file.js'
import { runPrompt, streamPrompt } from '../prompt-api/run-prompt.js'
import { sseHeaders, sseStream } from '../streaming/sse.js'
import { takeStreamEnd } from '../streaming/stream-end.js'
import { jsonContentType, plainDecimalJson } from '../metering/plain-decimal-json.js'
import { DROP_PARAMS_HEADER, parseDropParamsHeader } from '../routing/drop-params-header.js'

/** A prompt as GET /v1/prompts describes it: enough to call it without reading its file. */
function describePrompt(prompt: PromptDefinition, principal: Principal, all: readonly PromptDefinition[]) {
  const visible = all.filter((v) => v.status !== 'draft' || principal.kind === 'admin')
  return {
    object: 'prompt',
    name: prompt.name,
    allowed: mayUsePrompt(principal, prompt.name),
    version: prompt.version,
    status: prompt.status,
    description: prompt.description,
    model: prompt.model,
    path: `/v1/prompts/${prompt.name}`,
    input: prompt.input,
    output: prompt.output ?? null,
    versions: visible.map((v) => ({
      version: v.version, status: v.status, path: versionPath(v.name, v.version),
      ...(v.deprecatedAt ? { deprecated_at: v.deprecatedAt } : {}),
      ...(v.sunset ? { sunset: v.sunset } : {}), ...(v.successor !== undefined ? { successor: v.successor } : {}),
    })),
  }
}

function wantsStream(c: Context<AppEnv>): boolean {
  return (c.req.header('accept') ?? '').toLowerCase().includes('text/event-stream')
}

/** POST /v1/prompts/{name}[/versions/{version}], GET /v1/prompts[/{name}]: prompt files as REST endpoints. */
export function promptRoutes(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>()
  const empty = new PromptCatalog()
  const catalog = () => deps.prompts ?? empty

  async function call(c: Context<AppEnv>, name: string, version?: string): Promise<Response> {
    const principal = c.get('principal')
    const prompt = selectVersion(catalog(), principal, name, version)
    const variables = promptVariables(prompt, await readJsonBody(c))
    const call = {
      deps, prompt, variables,
      meta: {
        requestId: c.get('requestId'), principal, signal: deps.callerSignal(c),
        dropUnsupportedParams: parseDropParamsHeader(c.req.header(DROP_PARAMS_HEADER)),
      },
    }
    const headers = { ...lifecycleHeaders(prompt), 'x-manifold-prompt': `${prompt.name}@${prompt.version}` }
    if (wantsStream(c)) {
      const streamed = await streamPrompt(call)
      return c.body(sseStream(streamed.events, { onEnd: takeStreamEnd(c) }), 200, { ...sseHeaders, ...streamed.headers, ...headers })
    }
    const { result, headers: callHeaders } = await runPrompt(call)
    return c.body(plainDecimalJson(result), 200, { ...callHeaders, ...headers, ...jsonContentType })
  }

  /** `?include=requestable` adds the prompt APIs the key may not call (`allowed: false`), so it can ask for access. */
  app.get('/v1/prompts', (c) => {
    const principal = c.get('principal')
    const requestable = c.req.query('include') === 'requestable'
    const data = catalog().published()
      .filter((p) => requestable || mayUsePrompt(principal, p.name))
      .map((p) => describePrompt(p, principal, catalog().versions(p.name)))
    return c.json({ object: 'list', data })
  })

  app.get('/v1/prompts/:name', (c) => {
    const principal = c.get('principal')
    const prompt = selectVersion(catalog(), principal, c.req.param('name'))
    return c.json(describePrompt(prompt, principal, catalog().versions(prompt.name)), 200, lifecycleHeaders(prompt))
  })

  app.get('/v1/prompts/:name/versions/:version', (c) => {
    const principal = c.get('principal')
    const prompt = selectVersion(catalog(), principal, c.req.param('name'), c.req.param('version'))
    return c.json(describePrompt(prompt, principal, catalog().versions(prompt.name)), 200, lifecycleHeaders(prompt))
  })

  app.post('/v1/prompts/:name', (c) => call(c, c.req.param('name')))
  app.post('/v1/prompts/:name/versions/:version', (c) => call(c, c.req.param('name'), c.req.param('version')))

  return app
}
