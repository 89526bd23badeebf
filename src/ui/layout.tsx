import { raw } from 'hono/html'
import type { Child } from 'hono/jsx'
import { CsrfField } from './csrf.js'
import { uiRole, type UiRole, type UiSession } from './ui-env.js'

export type NavItem = 'overview' | 'keys' | 'requests' | 'prompts' | 'access-requests' | 'health'

const NAV: ReadonlyArray<{ id: NavItem; label: string; href: string; roles: readonly UiRole[] }> = [
  { id: 'overview', label: 'Overview', href: '/ui', roles: ['admin', 'team_admin'] },
  { id: 'keys', label: 'Keys', href: '/ui/keys', roles: ['admin', 'team_admin'] },
  { id: 'requests', label: 'Requests', href: '/ui/requests', roles: ['admin', 'team_admin'] },
  { id: 'prompts', label: 'Prompts', href: '/ui/prompts', roles: ['admin', 'team_admin', 'member'] },
  { id: 'access-requests', label: 'Access requests', href: '/ui/access-requests', roles: ['admin', 'team_admin', 'member'] },
  { id: 'health', label: 'Health', href: '/ui/health', roles: ['admin', 'team_admin'] },
]

/** The links a signed-in principal sees (member keys: the portal only). */
export function navFor(session: UiSession): typeof NAV {
  const role = uiRole(session.principal)
  return NAV.filter((item) => item.roles.includes(role))
}

function whoLabel(session: UiSession): string {
  const principal = session.principal
  if (principal.kind === 'admin') return 'admin key'
  const team = principal.key.team ? ` · team ${principal.key.team}` : ''
  const role = uiRole(principal) === 'team_admin' ? ' (team admin)' : ''
  return `${principal.key.name}${role}${team}`
}

export interface DocumentProps { title: string; children?: Child }

/** The HTML document every dashboard page shares: one stylesheet, one small script, no inline code (the CSP forbids it). */
export function Document({ title, children }: DocumentProps) {
  return (
    <>
    {raw('<!DOCTYPE html>')}
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${title} · Manifold`}</title>
        <link rel="stylesheet" href="/ui/assets/style.css" />
        <script src="/ui/assets/dashboard.js" defer></script>
      </head>
      <body>{children}</body>
    </html>
    </>
  )
}

export interface PageProps {
  title: string
  active: NavItem | null
  session: UiSession
  children?: Child
}

/** A signed-in page: the nav (by role), who is signed in, sign-out, and the page's content in <main>. */
export function Page({ title, active, session, children }: PageProps) {
  return (
    <Document title={title}>
      <a class="skip-link" href="#main">Skip to content</a>
      <header class="top">
        <a class="brand" href="/ui">Manifold</a>
        <nav aria-label="Dashboard">
          <ul>
            {navFor(session).map((item) => (
              <li><a href={item.href} aria-current={item.id === active ? 'page' : undefined}>{item.label}</a></li>
            ))}
          </ul>
        </nav>
        <div class="who">
          <span data-testid="signed-in-as">Signed in: {whoLabel(session)}</span>
          <form method="post" action="/ui/sign-out">
            <CsrfField token={session.csrfToken} />
            <button type="submit">Sign out</button>
          </form>
        </div>
      </header>
      <main id="main" tabindex={-1}>
        <h1>{title}</h1>
        {children}
      </main>
    </Document>
  )
}
