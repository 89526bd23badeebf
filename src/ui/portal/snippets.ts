/** Ready-to-paste calls of a prompt API. The key is always `$MANIFOLD_API_KEY`, never the session's. */
export interface Snippet { id: 'curl' | 'javascript' | 'python'; label: string; code: string }

/** A string as a POSIX shell single-quoted word. */
function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`
}

function curl(url: string, json: string): string {
  return [
    `curl ${shellQuote(url)} \\`,
    `  -H "Authorization: Bearer $MANIFOLD_API_KEY" \\`,
    `  -H 'Content-Type: application/json' \\`,
    `  -d ${shellQuote(json)}`,
  ].join('\n')
}

function javascript(url: string, json: string): string {
  return [
    `const response = await fetch(${JSON.stringify(url)}, {`,
    `  method: 'POST',`,
    `  headers: {`,
    '    Authorization: `Bearer ${process.env.MANIFOLD_API_KEY}`,',
    `    'Content-Type': 'application/json',`,
    `  },`,
    `  body: JSON.stringify(${json.replace(/\n/g, '\n  ')}),`,
    `})`,
    `const result = await response.json()`,
    `if (!response.ok) throw new Error(result.error.message)`,
    `console.log(result.output)`,
  ].join('\n')
}

/** JSON text as a Python literal: the same text, with true/false/null spelled as Python spells them. */
function pythonLiteral(json: string): string {
  return json.replace(/("(?:[^"\\]|\\.)*")|\btrue\b|\bfalse\b|\bnull\b/g, (match, quoted: string | undefined) => {
    if (quoted) return quoted
    return match === 'true' ? 'True' : match === 'false' ? 'False' : 'None'
  })
}

function python(url: string, json: string): string {
  return [
    `import os`,
    `import requests`,
    ``,
    `response = requests.post(`,
    `    ${JSON.stringify(url)},`,
    `    headers={"Authorization": f"Bearer {os.environ['MANIFOLD_API_KEY']}"},`,
    `    json=${pythonLiteral(json).replace(/\n/g, '\n    ')},`,
    `    timeout=60,`,
    `)`,
    `response.raise_for_status()`,
    `print(response.json()["output"])`,
  ].join('\n')
}

/** curl, JavaScript (plain fetch) and Python (requests) calls of `path` on the gateway at `baseUrl` with this body. */
export function promptSnippets(baseUrl: string, path: string, body: unknown): Snippet[] {
  const url = `${baseUrl}${path}`
  const json = JSON.stringify(body, null, 2)
  return [
    { id: 'curl', label: 'curl', code: curl(url, JSON.stringify(body)) },
    { id: 'javascript', label: 'JavaScript', code: javascript(url, json) },
    { id: 'python', label: 'Python', code: python(url, json) },
  ]
}

/** The gateway's address as the browser reached it (a TLS-terminating proxy says so in X-Forwarded-*). */
export function publicBaseUrl(requestUrl: string, headers: { proto?: string; host?: string }): string {
  const url = new URL(requestUrl)
  const proto = headers.proto === 'https' || headers.proto === 'http' ? headers.proto : url.protocol.replace(':', '')
  const host = headers.host && /^[\w.-]+(:\d+)?$/.test(headers.host) ? headers.host : url.host
  return `${proto}://${host}`
}
