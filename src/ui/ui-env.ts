import type { AppEnv, Principal } from '../app-env.js'

/** What the dashboard knows about the person signed in: who they act as, and their session's CSRF token. */
export interface UiSession {
  principal: Principal
  csrfToken: string
  expiresAt: number
}

/** Calls the gateway's own app in process (the dashboard's data comes only through its JSON API). */
export type AppFetch = (request: Request, env: object) => Response | Promise<Response>

/** Hono's environment for dashboard routes: the app's, plus the session and the in-process API. */
export interface UiEnv {
  Variables: AppEnv['Variables'] & {
    /** Set by the session middleware on every page that needs a session. */
    session: UiSession
    appFetch: AppFetch
  }
}

/** What a dashboard page may show: the admin key sees everything, a team admin its team, a member key the portal. */
export type UiRole = 'admin' | 'team_admin' | 'member'

export function uiRole(principal: Principal): UiRole {
  if (principal.kind === 'admin') return 'admin'
  // `role` arrives with team admin keys (issue 15); a key row without the column is an ordinary member key.
  const key = principal.key
  return 'role' in key && key.role === 'team_admin' ? 'team_admin' : 'member'
}

/** The team a team admin manages (null for the admin key: every team). */
export function uiTeam(principal: Principal): string | null {
  return principal.kind === 'admin' ? null : principal.key.team
}
