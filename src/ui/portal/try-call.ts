import type { Context } from 'hono'
import { fetchInProcess } from '../api-client.js'
import type { UiEnv } from '../ui-env.js'

/** What a prompt call answered, shown as it is: the status, the headers a caller cares about, the JSON body. */
export interface TryResult {
  status: number
  body: unknown
  headers: Array<[string, string]>
}

const SHOWN_HEADERS = ['x-request-id', 'x-manifold-prompt', 'deprecation', 'sunset', 'link']

/**
 * Calls the prompt API in process as the session's key, as uiApi does but keeping the answer whole (an error
 * is shown in its own shape, `error.fields` included, rather than thrown).
 */
export async function tryPrompt(c: Context<UiEnv>, path: string, body: unknown): Promise<TryResult> {
  const response = await fetchInProcess(c, 'POST', path, body)
  const text = await response.text()
  let parsed: unknown = text
  try {
    parsed = JSON.parse(text)
  } catch {
    // Not JSON (never expected from the prompt API): shown as the text it is.
  }
  const headers = SHOWN_HEADERS.flatMap((name): Array<[string, string]> => {
    const value = response.headers.get(name)
    return value === null ? [] : [[name, value]]
  })
  return { status: response.status, body: parsed, headers }
}
