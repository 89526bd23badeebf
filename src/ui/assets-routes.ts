import { Hono } from 'hono'
import { dashboardScript } from './assets/dashboard-script.js'
import { styleCss } from './assets/style.js'
import { uplotCss, uplotScript } from './assets/uplot-bundle.js'
import { portalCss } from './portal/portal-style.js'
import type { UiEnv } from './ui-env.js'

const CSS = 'text/css; charset=utf-8'
const JS = 'text/javascript; charset=utf-8'

/** Every file the dashboard loads, served by the gateway itself on Node and Workers alike (no CDN). */
const ASSETS: Record<string, { body: string; type: string }> = {
  'style.css': { body: `${uplotCss}\n${styleCss}\n${portalCss}`, type: CSS },
  'dashboard.js': { body: dashboardScript, type: JS },
  'uplot.js': { body: uplotScript, type: JS },
}

export const ASSET_NAMES = Object.keys(ASSETS)

export function isUiAsset(method: string, path: string): boolean {
  return method === 'GET' && path.startsWith('/ui/assets/') && Object.hasOwn(ASSETS, path.slice('/ui/assets/'.length))
}

/** GET /ui/assets/:file: public (no deployment data), cached for an hour. */
export function assetRoutes(): Hono<UiEnv> {
  const app = new Hono<UiEnv>()
  app.get('/ui/assets/:file', (c) => {
    const asset = Object.hasOwn(ASSETS, c.req.param('file')) ? ASSETS[c.req.param('file')] : undefined
    if (!asset) return c.notFound()
    return c.body(asset.body, 200, { 'content-type': asset.type, 'cache-control': 'public, max-age=3600' })
  })
  return app
}
