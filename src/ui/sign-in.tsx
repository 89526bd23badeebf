import { Hono, type Context } from 'hono'
import type { AppDeps } from '../deps.js'
import { GatewayError } from '../errors.js'
import { authenticate } from '../middleware/auth.js'
import { randomToken } from '../security/keys.js'
import { assertCsrfToken, assertSameOrigin, CsrfField, csrfProtection, presentedCsrfToken } from './csrf.js'
import { Field } from './field.js'
import { Document } from './layout.js'
import { requireSession, safeReturnPath, SIGN_IN_PATH } from './session.js'
import { clearSessionCookie, clearSignInToken, readSessionCookie, readSignInToken, writeSessionCookie, writeSignInToken } from './session-cookie.js'
import { createSession, deleteSession } from './session-store.js'
import { uiRole, type UiEnv } from './ui-env.js'

function SignInForm({ token, next, error }: { token: string; next: string | undefined; error?: string }) {
  return (
    <Document title="Sign in">
      <main id="main" class="sign-in">
        <div class="panel">
          <h1>Manifold</h1>
          <p class="muted">Sign in with the admin key, a team admin key, or your own key for the prompt portal.</p>
          {error ? <p class="notice error" role="alert">{error}</p> : null}
          <form method="post" action={next ? `${SIGN_IN_PATH}?next=${encodeURIComponent(next)}` : SIGN_IN_PATH}>
            <CsrfField token={token} />
            <Field label="API key" id="sign-in-key">
              <input id="sign-in-key" type="password" name="key" autocomplete="current-password" required autofocus spellcheck={false} />
            </Field>
            <p><button type="submit">Sign in</button></p>
          </form>
        </div>
      </main>
    </Document>
  )
}

/** The form's double-submit token: the one already in the browser's cookie, or a new one. */
function signInToken(c: Context): string {
  const existing = readSignInToken(c)
  if (existing && /^[\w-]{43}$/.test(existing)) return existing
  const token = randomToken(32)
  writeSignInToken(c, token)
  return token
}

/** GET/POST /ui/sign-in and POST /ui/sign-out. The key travels only in the form's body, never in a URL. */
export function signInRoutes(deps: AppDeps): Hono<UiEnv> {
  const app = new Hono<UiEnv>()

  app.get(SIGN_IN_PATH, (c) => c.html(<SignInForm token={signInToken(c)} next={safeReturnPath(c.req.query('next'))} />))

  app.post(SIGN_IN_PATH, async (c) => {
    assertSameOrigin(c)
    const expected = readSignInToken(c)
    if (!expected) throw new GatewayError(403, 'The sign-in form has expired; reload the page and try again.', { type: 'permission_error', code: 'csrf_failed' })
    assertCsrfToken(await presentedCsrfToken(c), expected)
    const form = await c.req.parseBody()
    const key = typeof form.key === 'string' ? form.key.trim() : ''
    const next = safeReturnPath(c.req.query('next'))
    let principal
    try {
      principal = await authenticate(deps, key || undefined)
    } catch (err) {
      if (!(err instanceof GatewayError) || err.status !== 401) throw err
      return c.html(<SignInForm token={expected} next={next} error="That key was not accepted: it is unknown, revoked or expired." />, 401)
    }
    const previous = readSessionCookie(c)
    if (previous) await deleteSession(deps, previous)
    const { id } = await createSession(deps, principal.keyId)
    clearSignInToken(c)
    writeSessionCookie(c, id)
    const home = uiRole(principal) === 'member' ? '/ui/prompts' : '/ui'
    return c.redirect(next ?? home, 303)
  })

  app.post('/ui/sign-out', requireSession(deps), csrfProtection(), async (c) => {
    const id = readSessionCookie(c)
    if (id) await deleteSession(deps, id)
    clearSessionCookie(c)
    return c.redirect(SIGN_IN_PATH, 303)
  })

  return app
}
