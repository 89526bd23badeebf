import { z } from 'zod'
import { isWebhookSecret } from './jobs/webhook-signature.js'

/** Everything configurable. Environment variables fill the common fields; the JSON file the rest. */

const providerTypes = ['openai', 'anthropic', 'mistral', 'gemini', 'openai-compatible'] as const
export type ProviderType = (typeof providerTypes)[number]

export const providerConfigSchema = z.object({
  type: z.enum(providerTypes),
  base_url: z.string().url().optional(),
  /** Name of the environment variable that holds the key (never the key itself in a file). */
  api_key_env: z.string().optional(),
  /** Static model list, for upstreams that cannot list their models. */
  models: z.array(z.string()).optional(),
  /** Drop parameters the provider cannot honour instead of answering 400. */
  drop_unsupported_params: z.boolean().optional(),
}).strict()
export type ProviderConfig = z.infer<typeof providerConfigSchema>

export const targetSchema = z.union([
  z.string().min(1),
  z.object({
    model: z.string().min(1),
    weight: z.number().positive().optional(),
    timeout_ms: z.number().int().positive().optional(),
    retries: z.number().int().min(0).max(10).optional(),
    params: z.record(z.string(), z.unknown()).optional(),
  }).strict(),
])
export type TargetConfig = z.infer<typeof targetSchema>

export const routeSchema = z.object({
  strategy: z.enum(['single', 'all', 'race', 'fallback', 'loadbalance']),
  targets: z.array(targetSchema).min(1),
  retry_on_status: z.array(z.number().int()).optional(),
  timeout_ms: z.number().int().positive().optional(),
}).strict()
export type RouteConfig = z.infer<typeof routeSchema>

/**
 * Bounds on routes a client writes itself (the x-manifold-route header, a WebSocket frame's `route`): one
 * request must not be able to fan out into hundreds of upstream calls or hold them for long.
 */
const clientRouteDefaults = { max_targets: 4, max_retries: 2, max_timeout_ms: 120_000 }
const clientRoutesSchema = z.object({
  max_targets: z.number().int().positive().max(100).default(clientRouteDefaults.max_targets),
  max_retries: z.number().int().min(0).max(10).default(clientRouteDefaults.max_retries),
  max_timeout_ms: z.number().int().positive().default(clientRouteDefaults.max_timeout_ms),
}).strict()
export type ClientRouteBounds = z.infer<typeof clientRoutesSchema>

export const priceOverrideSchema = z.object({
  input_per_mtok: z.number().nonnegative(),
  output_per_mtok: z.number().nonnegative(),
  cache_read_per_mtok: z.number().nonnegative().optional(),
  cache_write_per_mtok: z.number().nonnegative().optional(),
  max_input_tokens: z.number().int().positive().optional(),
  max_output_tokens: z.number().int().positive().optional(),
}).strict()

export const fileConfigSchema = z.object({
  providers: z.record(z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, 'provider names are lower-case letters, digits, - and _'), providerConfigSchema).default({}),
  routes: z.record(z.string(), routeSchema).default({}),
  aliases: z.record(z.string(), z.string()).default({}),
  prices: z.record(z.string(), priceOverrideSchema).default({}),
  routing: z.object({
    max_retry_delay_ms: z.number().int().nonnegative().default(30_000),
    first_byte_timeout_ms: z.number().int().positive().default(60_000),
    request_timeout_ms: z.number().int().positive().default(600_000),
    retries: z.number().int().min(0).max(10).default(0),
    retry_on_status: z.array(z.number().int()).default([408, 409, 429, 500, 502, 503, 504]),
    cooldown: z.object({
      failures: z.number().int().positive().default(3),
      window_ms: z.number().int().positive().default(30_000),
      cooldown_ms: z.number().int().positive().default(60_000),
    }).strict().default({ failures: 3, window_ms: 30_000, cooldown_ms: 60_000 }),
    client_routes: clientRoutesSchema.default(clientRouteDefaults),
  }).strict().default({
    max_retry_delay_ms: 30_000, first_byte_timeout_ms: 60_000, request_timeout_ms: 600_000, retries: 0,
    retry_on_status: [408, 409, 429, 500, 502, 503, 504],
    cooldown: { failures: 3, window_ms: 30_000, cooldown_ms: 60_000 },
    client_routes: clientRouteDefaults,
  }),
  /** What the gateway accepts from an upstream (see providers/upstream-fetch.ts for the defaults' reasons). */
  upstream: z.object({
    max_response_bytes: z.number().int().min(1024).default(32 * 1024 * 1024),
    max_event_bytes: z.number().int().min(1024).default(8 * 1024 * 1024),
  }).strict().default({ max_response_bytes: 32 * 1024 * 1024, max_event_bytes: 8 * 1024 * 1024 }),
  prompts_dir: z.string().optional(),
  body_limit_bytes: z.number().int().positive().optional(),
  usage_flush_ms: z.number().int().positive().max(100).optional(),
  /** The default for every provider without its own drop_unsupported_params. */
  drop_unsupported_params: z.boolean().optional(),
  /** How long stored Responses (`store: true`) are kept for previous_response_id and GET, in days. */
  responses_retention_days: z.number().positive().default(30),
  /** Keep calls' request and response bodies (redacted, size-capped) for the request log's detail view; off unless turned on. */
  request_bodies: z.object({
    store: z.boolean().default(false),
    retention_days: z.number().positive().max(3650).default(7),
  }).strict().default({ store: false, retention_days: 7 }),
}).strict()
export type FileConfig = z.infer<typeof fileConfigSchema>

export interface ResolvedProvider {
  name: string
  type: ProviderType
  apiKey: string
  baseURL?: string
  models?: string[]
  dropUnsupportedParams: boolean
}

export interface Config {
  host: string
  port: number
  dbPath: string
  adminKey?: string
  bodyLimitBytes: number
  usageFlushMs: number
  promptsDir: string
  webhookSecret?: string
  callbackRetrySchedule: number[]
  callbackAllow: string[]
  metricsToken?: string
  /** Global default for dropping parameters a provider cannot honour (a provider's own setting wins). */
  dropUnsupportedParams: boolean
  providers: Record<string, ResolvedProvider>
  /** Whether bodies are stored (MANIFOLD_STORE_BODIES over request_bodies.store) and for how many days. */
  requestBodies: { store: boolean; retentionDays: number }
  file: FileConfig
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError'
}

export type Env = Record<string, string | undefined>

/** Built-in providers: enabled when their key is set. */
const builtins: Record<string, { type: ProviderType; keyEnv: string; baseEnv: string }> = {
  openai: { type: 'openai', keyEnv: 'OPENAI_API_KEY', baseEnv: 'OPENAI_BASE_URL' },
  anthropic: { type: 'anthropic', keyEnv: 'ANTHROPIC_API_KEY', baseEnv: 'ANTHROPIC_BASE_URL' },
  mistral: { type: 'mistral', keyEnv: 'MISTRAL_API_KEY', baseEnv: 'MISTRAL_BASE_URL' },
  gemini: { type: 'gemini', keyEnv: 'GEMINI_API_KEY', baseEnv: 'GEMINI_BASE_URL' },
}

/** OpenAI-compatible presets: enabled by their key (ollama needs none, only OLLAMA_BASE_URL or being named). */
export const compatiblePresets: Record<string, { base_url: string; api_key_env?: string }> = {
  ollama: { base_url: 'http://127.0.0.1:11434/v1' },
  vllm: { base_url: 'http://127.0.0.1:8000/v1', api_key_env: 'VLLM_API_KEY' },
  groq: { base_url: 'https://api.groq.com/openai/v1', api_key_env: 'GROQ_API_KEY' },
  together: { base_url: 'https://api.together.xyz/v1', api_key_env: 'TOGETHER_API_KEY' },
  deepseek: { base_url: 'https://api.deepseek.com/v1', api_key_env: 'DEEPSEEK_API_KEY' },
  xai: { base_url: 'https://api.x.ai/v1', api_key_env: 'XAI_API_KEY' },
  openrouter: { base_url: 'https://openrouter.ai/api/v1', api_key_env: 'OPENROUTER_API_KEY' },
  fireworks: { base_url: 'https://api.fireworks.ai/inference/v1', api_key_env: 'FIREWORKS_API_KEY' },
}

function intFromEnv(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name]
  if (raw === undefined || raw === '') return fallback
  const value = Number(raw)
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name}: expected a whole number from ${min} to ${max}, got "${raw}"`)
  }
  return value
}

function booleanFromEnv(env: Env, name: string): boolean | undefined {
  const raw = env[name]?.trim().toLowerCase()
  if (raw === undefined || raw === '') return undefined
  if (raw === 'true' || raw === '1') return true
  if (raw === 'false' || raw === '0') return false
  throw new ConfigError(`${name}: expected true or false, got "${env[name]}"`)
}

/** The environment variable that enables a built-in provider or preset; undefined for a name Manifold does not know. */
export function enablingVariable(name: string): string | undefined {
  const builtin = builtins[name]
  if (builtin) return builtin.keyEnv
  const preset = compatiblePresets[name]
  if (!preset) return undefined
  return preset.api_key_env ?? `${name.toUpperCase()}_BASE_URL`
}

/** Every variable that enables a provider by itself: built-ins first, then the OpenAI-compatible presets. */
export function enablingVariables(): string[] {
  return [...Object.keys(builtins), ...Object.keys(compatiblePresets)].map((name) => enablingVariable(name)!)
}

function urlFromEnv(env: Env, name: string): string | undefined {
  const raw = env[name]
  if (raw === undefined || raw === '') return undefined
  try {
    new URL(raw)
  } catch {
    throw new ConfigError(`${name}: not a valid URL: "${raw}"`)
  }
  return raw.replace(/\/+$/, '')
}

const durationUnits: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }

/** Parses "5s,5m,30m,2h" into milliseconds. */
export function parseDurationList(name: string, raw: string): number[] {
  return raw.split(',').map((part) => {
    const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$/.exec(part)
    if (!match) throw new ConfigError(`${name}: "${part.trim()}" is not a duration such as 5s, 5m or 2h`)
    return Math.round(Number(match[1]) * durationUnits[match[2] ?? 's']!)
  })
}

/** MANIFOLD_WEBHOOK_SECRET must be a Standard Webhooks secret, or every callback would fail to sign later. */
function webhookSecretFromEnv(env: Env): string | undefined {
  const secret = env.MANIFOLD_WEBHOOK_SECRET
  if (!secret) return undefined
  if (!secret.startsWith('whsec_') || !isWebhookSecret(secret)) {
    throw new ConfigError('MANIFOLD_WEBHOOK_SECRET: expected whsec_ followed by the base64 of at least 24 bytes')
  }
  return secret
}

/** Formats a zod issue path as `routes.duo.targets[0]`. */
function fieldName(path: readonly PropertyKey[]): string {
  return path.reduce<string>((acc, part) => (typeof part === 'number' ? `${acc}[${part}]` : acc ? `${acc}.${String(part)}` : String(part)), '')
}

export function parseFileConfig(raw: unknown, source: string): FileConfig {
  const parsed = fileConfigSchema.safeParse(raw)
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${fieldName(issue.path) || '(root)'}: ${issue.message}`)
    throw new ConfigError(`invalid config in ${source}: ${problems.join('; ')}`)
  }
  return parsed.data
}

/** Combines the environment and the parsed config file into the gateway's configuration. */
export function buildConfig(env: Env, file: FileConfig = parseFileConfig({}, 'defaults')): Config {
  const providers: Record<string, ResolvedProvider> = {}
  const dropUnsupportedParams = booleanFromEnv(env, 'MANIFOLD_DROP_UNSUPPORTED_PARAMS') ?? file.drop_unsupported_params ?? false

  for (const [name, spec] of Object.entries(builtins)) {
    const apiKey = env[spec.keyEnv]
    if (!apiKey) continue
    providers[name] = { name, type: spec.type, apiKey, baseURL: urlFromEnv(env, spec.baseEnv), dropUnsupportedParams }
  }

  for (const [name, preset] of Object.entries(compatiblePresets)) {
    const keyEnv = preset.api_key_env
    const apiKey = keyEnv ? env[keyEnv] : undefined
    const baseOverride = urlFromEnv(env, `${name.toUpperCase()}_BASE_URL`)
    const enabled = keyEnv ? Boolean(apiKey) : Boolean(baseOverride)
    if (!enabled) continue
    providers[name] = {
      name, type: 'openai-compatible', apiKey: apiKey ?? '', baseURL: baseOverride ?? preset.base_url, dropUnsupportedParams,
    }
  }

  for (const [name, spec] of Object.entries(file.providers)) {
    const preset = compatiblePresets[name]
    const keyEnv = spec.api_key_env ?? preset?.api_key_env ?? builtins[name]?.keyEnv
    const apiKey = keyEnv ? env[keyEnv] ?? '' : ''
    if (keyEnv && !apiKey && spec.type !== 'openai-compatible') {
      throw new ConfigError(`providers.${name}.api_key_env: environment variable ${keyEnv} is not set`)
    }
    providers[name] = {
      name,
      type: spec.type,
      apiKey,
      baseURL: spec.base_url?.replace(/\/+$/, '') ?? preset?.base_url ?? (builtins[name] ? urlFromEnv(env, builtins[name].baseEnv) : undefined),
      models: spec.models,
      dropUnsupportedParams: spec.drop_unsupported_params ?? dropUnsupportedParams,
    }
  }

  return {
    host: env.HOST || '127.0.0.1',
    port: intFromEnv(env, 'PORT', 8787, 0, 65535),
    dbPath: env.MANIFOLD_DB || './data/manifold.db',
    adminKey: env.MANIFOLD_ADMIN_KEY || undefined,
    bodyLimitBytes: intFromEnv(env, 'MANIFOLD_BODY_LIMIT', file.body_limit_bytes ?? 32 * 1024 * 1024, 1024, 1024 ** 3),
    usageFlushMs: file.usage_flush_ms ?? 100,
    promptsDir: env.MANIFOLD_PROMPTS_DIR || file.prompts_dir || './prompts',
    webhookSecret: webhookSecretFromEnv(env),
    callbackRetrySchedule: parseDurationList('MANIFOLD_CALLBACK_RETRY_SCHEDULE', env.MANIFOLD_CALLBACK_RETRY_SCHEDULE || '5s,5m,30m,2h,5h,10h,10h'),
    callbackAllow: (env.MANIFOLD_CALLBACK_ALLOW ?? '').split(',').map((h) => h.trim()).filter(Boolean),
    metricsToken: env.MANIFOLD_METRICS_TOKEN || undefined,
    dropUnsupportedParams,
    providers,
    requestBodies: {
      store: booleanFromEnv(env, 'MANIFOLD_STORE_BODIES') ?? file.request_bodies.store,
      retentionDays: intFromEnv(env, 'MANIFOLD_BODY_RETENTION_DAYS', file.request_bodies.retention_days, 1, 3650),
    },
    file,
  }
}
