import { Hono } from 'hono'
import type { AppEnv } from '../app-env.js'
import type { AppDeps } from '../deps.js'
import { GatewayError } from '../errors.js'
import { API_REFERENCE_SCRIPT_PATH, docsPage } from '../prompt-api/docs-page.js'
import { buildOpenApiDocument } from '../prompt-api/openapi-document.js'

/** Requests the docs page needs without a key: the static page and the reference's script, no data. */
export function isPublicDocsAsset(method: string, path: string): boolean {
  return method === 'GET' && (path === '/docs' || path === API_REFERENCE_SCRIPT_PATH)
}

/**
 * GET /openapi.json (the whole gateway, prompt APIs included; needs a key, and shows only the prompt
 * APIs that key may call) and GET /docs, the interactive reference built from it.
 */
export function openapiRoutes(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>()

  app.get('/openapi.json', (c) => c.json(buildOpenApiDocument({ catalog: deps.prompts, principal: c.get('principal') })))

  app.get('/docs', (c) => c.html(docsPage, 200, { 'cache-control': 'no-cache' }))

  app.get(API_REFERENCE_SCRIPT_PATH, async () => {
    const load = deps.apiReferenceScript
    if (!load) throw new GatewayError(503, 'The API reference script is not part of this build.', { type: 'server_error', code: 'docs_unavailable' })
    return new Response(await load(), { headers: { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'public, max-age=3600' } })
  })

  return app
}
