import { Hono } from 'hono'
import type { UiEnv } from '../ui-env.js'
import { ACCESS_PAGE, accessPage, approveRequest, refuseRequest } from './access-page.js'
import { catalogPage } from './catalog-page.js'
import { promptPage, requestAccess, tryPromptPage } from './prompt-page.js'

/**
 * The prompt portal (issue 15, item 7): catalog, a page per prompt and version with "Try it" and snippets,
 * access requests. Mounted behind the dashboard's session and CSRF checks; every role may open it, and
 * the API decides what each key sees and may do.
 */
export function portalRoutes(): Hono<UiEnv> {
  const app = new Hono<UiEnv>()
  app.get('/ui/prompts', catalogPage)
  app.get('/ui/prompts/:name', promptPage)
  app.post('/ui/prompts/:name/try', tryPromptPage)
  app.get('/ui/prompts/:name/versions/:version', promptPage)
  app.post('/ui/prompts/:name/versions/:version/try', tryPromptPage)
  app.post('/ui/prompts/:name/access-requests', requestAccess)
  app.get(ACCESS_PAGE, accessPage)
  // The dashboard's nav names the page by its API's name.
  app.get('/ui/access-requests', (c) => c.redirect(ACCESS_PAGE, 302))
  app.post(`${ACCESS_PAGE}/:id/approve`, approveRequest)
  app.post(`${ACCESS_PAGE}/:id/refuse`, refuseRequest)
  return app
}
