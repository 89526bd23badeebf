import { ConfigError } from '../config.js'
import { LOG_FORMATS, LOG_LEVELS, type LogFormat, type LogLevel } from '../log.js'

/** Where and how traces go; absent means tracing is off. */
export interface TracingSettings {
  /** The OTLP/HTTP traces URL (…/v1/traces). */
  endpoint: string
  headers: Record<string, string>
  serviceName: string
  /** The share of root traces recorded (0..1); a client's sampled flag decides for its own traces. */
  sampleRatio: number
  /** A client's traceparent decides whether its trace is recorded (the parentbased_* samplers). */
  parentBased: boolean
}

export interface ObservabilitySettings {
  logLevel: LogLevel
  logFormat: LogFormat
  tracing?: TracingSettings
}

type Env = Record<string, string | undefined>

function oneOf<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const raw = env[name]?.trim().toLowerCase()
  if (!raw) return fallback
  if (!(allowed as readonly string[]).includes(raw)) throw new ConfigError(`${name}=${env[name]} is not valid; use one of ${allowed.join(', ')}.`)
  return raw as T
}

/** OTEL_EXPORTER_OTLP_HEADERS: `name=value,name2=value2`, values percent-encoded (the OTel spec's format). */
function parseHeaders(raw: string | undefined): Record<string, string> {
  const headers: Record<string, string> = {}
  if (!raw) return headers
  for (const pair of raw.split(',')) {
    if (pair.trim() === '') continue
    const eq = pair.indexOf('=')
    if (eq <= 0) throw new ConfigError('OTEL_EXPORTER_OTLP_HEADERS must be name=value pairs separated by commas.')
    headers[decodeURIComponent(pair.slice(0, eq).trim()).toLowerCase()] = decodeURIComponent(pair.slice(eq + 1).trim())
  }
  return headers
}

function tracesEndpoint(env: Env): string | undefined {
  const specific = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim()
  const base = env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim()
  const endpoint = specific || (base ? `${base.replace(/\/+$/, '')}/v1/traces` : undefined)
  if (endpoint === undefined) return undefined
  let url: URL
  try {
    url = new URL(endpoint)
  } catch {
    throw new ConfigError(`The OTLP traces endpoint "${endpoint}" is not a URL (OTEL_EXPORTER_OTLP_ENDPOINT or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT).`)
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ConfigError(`The OTLP traces endpoint "${endpoint}" must be an http(s) URL such as http://collector:4318 (OTEL_EXPORTER_OTLP_ENDPOINT or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT).`)
  }
  return url.toString()
}

const SAMPLERS = ['always_on', 'always_off', 'traceidratio', 'parentbased_always_on', 'parentbased_always_off', 'parentbased_traceidratio'] as const

function sampling(env: Env): { sampleRatio: number; parentBased: boolean } {
  const sampler = oneOf(env, 'OTEL_TRACES_SAMPLER', SAMPLERS, 'parentbased_always_on')
  const parentBased = sampler.startsWith('parentbased_')
  if (sampler.endsWith('always_on')) return { sampleRatio: 1, parentBased }
  if (sampler.endsWith('always_off')) return { sampleRatio: 0, parentBased }
  const arg = env.OTEL_TRACES_SAMPLER_ARG?.trim()
  const ratio = arg ? Number(arg) : 1
  if (!Number.isFinite(ratio) || ratio < 0 || ratio > 1) throw new ConfigError(`OTEL_TRACES_SAMPLER_ARG=${arg} is not a ratio between 0 and 1.`)
  return { sampleRatio: ratio, parentBased }
}

function tracingSettings(env: Env): TracingSettings | undefined {
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return undefined
  const endpoint = tracesEndpoint(env)
  if (endpoint === undefined) return undefined
  const protocol = (env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ?? env.OTEL_EXPORTER_OTLP_PROTOCOL)?.trim()
  if (protocol === 'grpc') throw new ConfigError('OTLP over gRPC is not supported: point OTEL_EXPORTER_OTLP_ENDPOINT at the collector\'s OTLP/HTTP port (4318); spans are sent as http/json.')
  return {
    endpoint,
    headers: { ...parseHeaders(env.OTEL_EXPORTER_OTLP_HEADERS), ...parseHeaders(env.OTEL_EXPORTER_OTLP_TRACES_HEADERS) },
    serviceName: env.OTEL_SERVICE_NAME?.trim() || 'manifold',
    ...sampling(env),
  }
}

/** MANIFOLD_LOG_LEVEL, MANIFOLD_LOG_FORMAT and the standard OTEL_* variables; a bad value is an error naming the variable. */
export function observabilitySettings(env: Env): ObservabilitySettings {
  return {
    logLevel: oneOf(env, 'MANIFOLD_LOG_LEVEL', LOG_LEVELS, 'info'),
    logFormat: oneOf(env, 'MANIFOLD_LOG_FORMAT', LOG_FORMATS, 'json'),
    tracing: tracingSettings(env),
  }
}
