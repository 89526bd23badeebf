import { CliUsageError, parseFlags } from '../cli-flags.js'
import { didYouMean, type CommandHelp } from '../cli-help.js'
import { renderTable, type TableColumn } from '../cli-table.js'
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

export const promptsHelp: CommandHelp = {
  name: 'prompts',
  summary: 'list, show, try and bundle the prompt APIs (the prompt files alone, no database)',
  subcommands: {
    list: { args: '[--json]', summary: 'prompt APIs, their versions and files that failed to load, as a table' },
    show: { args: 'NAME [--version V]', summary: 'one prompt: status, model, input and output schemas, messages (JSON)' },
    test: {
      args: "NAME --input '{\"text\": \"…\"}' [--version V] [--call]",
      summary: 'validate the input and print the chat request it renders to',
      details: '  --call   call it on the running gateway instead (MANIFOLD_URL, the key in MANIFOLD_API_KEY)\n',
    },
    bundle: { args: '', summary: `write ${BUNDLE_PATH} (the prompts a Worker serves)` },
  },
}

interface Flags { version?: string; input?: string; call: boolean; json: boolean; positional: string[] }

function parsePromptFlags(args: readonly string[]): Flags {
  const { flags, positionals } = parseFlags(args, ['version', 'input'], ['call', 'json'])
  return { version: flags.get('version'), input: flags.get('input'), call: flags.has('call'), json: flags.has('json'), positional: positionals }
}

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`

interface PromptRow { name: string; versions: Array<{ version: string; status: string }>; model: string; description: string }

const promptColumns: Array<TableColumn<PromptRow>> = [
  { header: 'name', cell: (p) => p.name },
  { header: 'versions', cell: (p) => p.versions.map((v) => `v${v.version} ${v.status}`).join(', ') },
  { header: 'model', cell: (p) => p.model },
  { header: 'description', cell: (p) => p.description },
]

function pick(catalog: PromptCatalog, name: string | undefined, version: string | undefined): PromptDefinition {
  if (!name) throw new CliUsageError('name a prompt')
  const prompt = version !== undefined ? catalog.version(name, version) : catalog.latestPublished(name) ?? catalog.versions(name).at(-1)
  if (!prompt) throw new CliUsageError(`no prompt ${name}${version !== undefined ? ` version ${version}` : ''} (see: manifold prompts list)`)
  return prompt
}

/** Runs one `prompts` subcommand; returns the exit code. */
export async function runPromptsCommand(sub: string | undefined, args: readonly string[], io: PromptCliIo): Promise<number> {
  const sources = io.readSources()
  const catalog = new PromptCatalog(sources)
  const flags = parsePromptFlags(args)

  if (sub === 'list') {
    const rows = catalog.names().map((name) => {
      const versions = catalog.versions(name)
      const shown = catalog.latestPublished(name) ?? versions.at(-1)!
      return { name, versions: versions.map((v) => ({ version: v.version, status: v.status })), model: shown.model, description: shown.description }
    })
    if (flags.json) io.out(json(rows))
    else if (rows.length > 0) io.out(renderTable(promptColumns, rows))
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
    if (flags.input === undefined) throw new CliUsageError(`prompts test needs --input '{…}' (the variables as JSON)`)
    let input: unknown
    try {
      input = JSON.parse(flags.input)
    } catch {
      throw new CliUsageError('--input is not valid JSON')
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
    if (!io.apiKey) throw new CliUsageError('--call needs the key in MANIFOLD_API_KEY')
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

  if (sub === undefined) throw new CliUsageError('prompts needs a subcommand (list, show, test or bundle)')
  throw new CliUsageError(`unknown command "prompts ${sub}"${didYouMean(sub, Object.keys(promptsHelp.subcommands!), (c) => `prompts ${c}`)}`)
}
