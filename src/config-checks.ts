import { ConfigError, enablingVariable, enablingVariables, type Config, type TargetConfig } from './config.js'

/**
 * Start-up checks: every name a route target, an alias or a prompt sends calls to must reach an enabled
 * provider, so a typo or a missing key fails the start instead of turning every call into a 404.
 */

interface Problem {
  message: string
  /** A provider Manifold knows, only without its key: tolerated on a first run with no provider at all. */
  disabled: boolean
}

function providerProblem(config: Config, provider: string): Problem | undefined {
  if (config.providers[provider]) return undefined
  const variable = enablingVariable(provider)
  if (variable) return { message: `provider "${provider}" is not enabled (set ${variable})`, disabled: true }
  return { message: `provider "${provider}" is not configured (add it under "providers" in the config file)`, disabled: false }
}

/** A `provider/model` name (after its alias) → its problem, if any. */
function targetProblem(config: Config, model: string): Problem | undefined {
  const aliased = config.file.aliases[model] ?? model
  const slash = aliased.indexOf('/')
  if (slash <= 0 || slash === aliased.length - 1) {
    return { message: `"${model}" is neither an alias nor a provider/model name such as openai/gpt-4o-mini`, disabled: false }
  }
  return providerProblem(config, aliased.slice(0, slash))
}

/** What a prompt's `model` (or a client's) names: an alias, a route, or `provider/model`. */
function modelProblem(config: Config, model: string): Problem | undefined {
  const name = config.file.aliases[model] ?? model
  if (config.file.routes[name]) return undefined
  return targetProblem(config, name)
}

const targetModel = (target: TargetConfig) => (typeof target === 'string' ? target : target.model)

/** The start-up warning when no provider is enabled, naming the variables that enable one. */
export function noProviderWarning(config: Config): string | undefined {
  if (Object.keys(config.providers).length > 0) return undefined
  return `no provider is enabled, so every call will fail: set one of ${enablingVariables().join(', ')}, `
    + 'or add providers to the config file named by MANIFOLD_CONFIG'
}

export interface PromptModel {
  file: string
  model: string
}

/**
 * Throws a ConfigError naming the file and the field of the first route target, alias or prompt model that
 * goes nowhere. With no provider enabled at all (a first run, which `noProviderWarning` covers), only names
 * Manifold does not know fail.
 */
export function checkProviderReferences(config: Config, source: string, prompts: readonly PromptModel[]): void {
  const tolerateDisabled = noProviderWarning(config) !== undefined
  const fail = (where: string, problem: Problem | undefined) => {
    if (problem && !(problem.disabled && tolerateDisabled)) throw new ConfigError(`${where}: ${problem.message}`)
  }
  for (const [name, route] of Object.entries(config.file.routes)) {
    route.targets.forEach((target, i) => fail(`${source}: routes.${name}.targets[${i}]`, targetProblem(config, targetModel(target))))
  }
  for (const [alias, model] of Object.entries(config.file.aliases)) fail(`${source}: aliases.${alias}`, modelProblem(config, model))
  for (const prompt of prompts) fail(`${prompt.file}: model`, modelProblem(config, prompt.model))
}
