import type { Principal } from '../app-env.js'
import { GatewayError } from '../errors.js'
import { matchesAny } from '../security/glob.js'
import type { PromptCatalog } from './catalog.js'
import type { PromptDefinition } from './prompt-file.js'

/** The documented path of one version: what Link headers and 410 messages point to. */
export function versionPath(name: string, version: string): string {
  return `/v1/prompts/${encodeURIComponent(name)}/versions/${encodeURIComponent(version)}`
}

function notFound(message: string): GatewayError {
  return new GatewayError(404, message, { type: 'invalid_request_error', code: 'prompt_not_found' })
}

/** A key limited to some prompt APIs (api_keys.prompts, glob patterns) may call only those. */
export function mayUsePrompt(principal: Principal, name: string): boolean {
  return principal.kind === 'admin' || matchesAny(principal.key.prompts, name)
}

function successorText(prompt: PromptDefinition): string {
  return prompt.successor !== undefined
    ? `use version ${prompt.successor} (POST ${versionPath(prompt.name, prompt.successor)})`
    : 'it has no successor'
}

function httpDate(day: string): string {
  return new Date(`${day}T00:00:00Z`).toUTCString()
}

/**
 * Headers of a deprecated version: Deprecation (RFC 9745: `@epoch-seconds`, or `true` when the file
 * gives no date), Sunset (RFC 8594, an HTTP date) and a Link to the successor version.
 */
export function lifecycleHeaders(prompt: PromptDefinition): Record<string, string> {
  if (prompt.status !== 'deprecated') return {}
  const headers: Record<string, string> = {
    deprecation: prompt.deprecatedAt ? `@${Date.parse(`${prompt.deprecatedAt}T00:00:00Z`) / 1000}` : 'true',
  }
  if (prompt.sunset) headers.sunset = httpDate(prompt.sunset)
  if (prompt.successor !== undefined) headers.link = `<${versionPath(prompt.name, prompt.successor)}>; rel="successor-version"`
  return headers
}

/**
 * Which version a call reaches, or the error the caller sees: 404 for an unknown prompt or version,
 * 403 for a key without access or a draft without the admin key, 410 for a retired version.
 * Without a version, the latest published version answers (or, if none is published, the latest
 * deprecated one; a prompt whose versions are all retired answers 410).
 */
export function selectVersion(catalog: PromptCatalog, principal: Principal, name: string, version?: string): PromptDefinition {
  const versions = catalog.versions(name)
  if (versions.length === 0) throw notFound(`There is no prompt API named \`${name}\`.`)
  if (!mayUsePrompt(principal, name)) {
    throw new GatewayError(403, `This API key is not allowed to use the prompt API \`${name}\`.`, { type: 'permission_error', code: 'prompt_not_allowed' })
  }

  let prompt: PromptDefinition | undefined
  if (version === undefined) {
    prompt = catalog.latestPublished(name) ?? versions.findLast((v) => v.status === 'deprecated') ?? versions.findLast((v) => v.status === 'retired')
    if (!prompt) throw notFound(`The prompt API \`${name}\` has no published version yet.`)
  } else {
    prompt = catalog.version(name, version)
    if (!prompt) throw notFound(`The prompt API \`${name}\` has no version ${version}.`)
  }

  if (prompt.status === 'draft' && principal.kind !== 'admin') {
    throw new GatewayError(403, `Version ${prompt.version} of \`${name}\` is a draft; only the admin key may call it.`, { type: 'permission_error', code: 'prompt_draft' })
  }
  if (prompt.status === 'retired') {
    const headers: Record<string, string> = {}
    if (prompt.successor !== undefined) headers.link = `<${versionPath(name, prompt.successor)}>; rel="successor-version"`
    throw new GatewayError(410, `Version ${prompt.version} of the prompt API \`${name}\` is retired; ${successorText(prompt)}.`, {
      type: 'invalid_request_error', code: 'prompt_retired', headers,
    })
  }
  return prompt
}
