import { bundleModule, BUNDLE_PATH } from './bundle.js'
import { PromptCatalog, type PromptSource } from './catalog.js'
import { chatBodyFor } from './chat-body.js'
import { PromptInputError, promptVariables } from './input.js'
import { versionPath } from './lifecycle.js'
import type { PromptDefinition } from './prompt-file.js'

/**
 * `manifold prompts list | show NAME | test NAME --input '{…}' [--version V] [--call] | bundle`.
 * The terminal side (files, stdout, the network) is handed in by src/cli.ts, so this module stays
 * portable and testable.
 */

export interface PromptCliIo {
  /** The prompt files of the configured folder. */
  readSources(): PromptSource[]
  out(text: string): void
  err(text: string): void
  writeFile(path: string, text: string): void
  /** For `test --call`: the running gateway and the key to call it with (from MANIFOLD_URL, MANIFOLD_API_KEY). */
  gatewayUrl: string
  apiKey?: string
  fetch: typeof fetch
}

export const PROMPTS_HELP = `  prompts list                list prompt APIs, their versions and files that failed to load
  prompts show NAME [--version V]
                              one prompt: status, model, input and output schemas, messages
  prompts test NAME --input '{"text": "…"}' [--version V] [--call]
                              validate the input and print the chat request it renders to; with --call,
                              call it on the running gateway (MANIFOLD_URL, key in MANIFOLD_API_KEY)
  prompts bundle              write ${BUNDLE_PATH} (the prompts a Worker serves)
`

export class PromptCliUsageError extends Error {}

interface Flags { version?: string; input?: string; call: boolean; positional: string[] }

function parseFlags(args: readonly string[]): Flags {
  const flags: Flags = { call: false, positional: [] }
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!
    if (arg === '--call') flags.call = true
    else if (arg === '--version' || arg === '--input') {
      const value = args[++i]
      if (value === undefined) throw new PromptCliUsageError(`${arg} needs a value`)
      flags[arg === '--version' ? 'version' : 'input'] = value
    } else if (arg.startsWith('--')) throw new PromptCliUsageError(`unknown option ${arg}`)
    else flags.positional.push(arg)
  }
  return flags
}

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`

function pick(catalog: PromptCatalog, name: string | undefined, version: string | undefined): PromptDefinition {
  if (!name) throw new PromptCliUsageError('name a prompt')
  const prompt = version !== undefined ? catalog.version(name, version) : catalog.latestPublished(name) ?? catalog.versions(name).at(-1)
  if (!prompt) throw new PromptCliUsageError(`no prompt ${name}${version !== undefined ? ` version ${version}` : ''} (see: manifold prompts list)`)
  return prompt
}

/** Runs one `prompts` subcommand; returns the exit code. */
export async function runPromptsCommand(sub: string | undefined, args: readonly string[], io: PromptCliIo): Promise<number> {
  const sources = io.readSources()
  const catalog = new PromptCatalog(sources)
  const flags = parseFlags(args)

  if (sub === 'list') {
    for (const name of catalog.names()) {
      const versions = catalog.versions(name)
      const latest = catalog.latestPublished(name)
      io.out(`${name}\t${versions.map((v) => `v${v.version} ${v.status}`).join(', ')}\t${(latest ?? versions.at(-1)!).description}\n`)
    }
    for (const error of catalog.report.errors) io.err(`error: ${error.message}\n`)
    for (const warning of catalog.report.warnings) io.err(`warning: ${warning}\n`)
    return catalog.report.errors.length > 0 ? 1 : 0
  }

  if (sub === 'show') {
    const p = pick(catalog, flags.positional[0], flags.version)
    io.out(json({
      name: p.name, version: p.version, status: p.status, description: p.description, file: p.file, model: p.model,
      params: p.params, input: p.input, output: p.output ?? null, sunset: p.sunset ?? null, successor: p.successor ?? null,
      path: versionPath(p.name, p.version),
      messages: p.messages.map((m) => ({ role: m.role, content: m.parts.map((part) => ('text' in part ? part.text : `{{${part.variable}}}`)).join('') })),
    }))
    return 0
  }

  if (sub === 'test') {
    const p = pick(catalog, flags.positional[0], flags.version)
    if (flags.input === undefined) throw new PromptCliUsageError(`prompts test needs --input '{…}' (the variables as JSON)`)
    let input: unknown
    try {
      input = JSON.parse(flags.input)
    } catch {
      throw new PromptCliUsageError('--input is not valid JSON')
    }
    let variables: Map<string, unknown>
    try {
      variables = promptVariables(p, input)
    } catch (err) {
      if (!(err instanceof PromptInputError)) throw err
      io.err(`${err.message}\n`)
      return 1
    }
    if (!flags.call) {
      io.out(json(chatBodyFor(p, variables, false)))
      return 0
    }
    if (!io.apiKey) throw new PromptCliUsageError('--call needs the key in MANIFOLD_API_KEY')
    const res = await io.fetch(`${io.gatewayUrl.replace(/\/+$/, '')}${versionPath(p.name, p.version)}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${io.apiKey}` },
      body: JSON.stringify(input),
    })
    const text = await res.text()
    ;(res.ok ? io.out : io.err)(`${text}\n`)
    return res.ok ? 0 : 1
  }

  if (sub === 'bundle') {
    for (const error of catalog.report.errors) io.err(`error: ${error.message}\n`)
    if (catalog.report.errors.length > 0) return 1
    io.writeFile(BUNDLE_PATH, bundleModule(sources))
    io.out(`wrote ${BUNDLE_PATH} (${sources.length} prompt files)\n`)
    return 0
  }

  throw new PromptCliUsageError(`unknown command: prompts ${sub ?? ''}`.trim())
}
