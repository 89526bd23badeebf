import { describe, expect, it } from 'vitest'
import { ConfigError } from '../../src/config.js'
import { observabilitySettings } from '../../src/observability/settings.js'
import { formatTraceparent, parseTraceparent } from '../../src/observability/tracing/trace-context.js'

describe('observabilitySettings', () => {
  it('defaults: JSON lines at info, tracing off', () => {
    expect(observabilitySettings({})).toEqual({ logLevel: 'info', logFormat: 'json', tracing: undefined })
  })

  it('reads MANIFOLD_LOG_LEVEL and MANIFOLD_LOG_FORMAT, refusing unknown values by name', () => {
    expect(observabilitySettings({ MANIFOLD_LOG_LEVEL: 'DEBUG', MANIFOLD_LOG_FORMAT: 'pretty' })).toMatchObject({ logLevel: 'debug', logFormat: 'pretty' })
    expect(() => observabilitySettings({ MANIFOLD_LOG_LEVEL: 'verbose' })).toThrow(new ConfigError('MANIFOLD_LOG_LEVEL=verbose is not valid; use one of debug, info, warn, error.'))
    expect(() => observabilitySettings({ MANIFOLD_LOG_FORMAT: 'xml' })).toThrow('MANIFOLD_LOG_FORMAT=xml is not valid; use one of json, pretty.')
  })

  it('turns tracing on from the standard OTEL_* variables', () => {
    expect(observabilitySettings({
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/',
      OTEL_EXPORTER_OTLP_HEADERS: 'Authorization=Bearer%20abc, x-tenant=blue',
      OTEL_SERVICE_NAME: 'gateway-eu',
      OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
      OTEL_TRACES_SAMPLER_ARG: '0.25',
    }).tracing).toEqual({
      endpoint: 'http://collector:4318/v1/traces',
      headers: { authorization: 'Bearer abc', 'x-tenant': 'blue' },
      serviceName: 'gateway-eu',
      sampleRatio: 0.25,
      parentBased: true,
    })
    expect(observabilitySettings({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://otlp.example.com/custom/path', OTEL_TRACES_SAMPLER: 'always_off' }).tracing)
      .toEqual({ endpoint: 'https://otlp.example.com/custom/path', headers: {}, serviceName: 'manifold', sampleRatio: 0, parentBased: false })
    expect(observabilitySettings({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_SDK_DISABLED: 'true' }).tracing).toBeUndefined()
  })

  it('refuses what it cannot honour, naming the variable', () => {
    expect(() => observabilitySettings({ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector' })).toThrow('The OTLP traces endpoint "collector/v1/traces" is not a URL (OTEL_EXPORTER_OTLP_ENDPOINT or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT).')
    expect(() => observabilitySettings({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'collector:4318' })).toThrow(/"collector:4318" must be an http\(s\) URL such as http:\/\/collector:4318/)
    expect(() => observabilitySettings({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4317', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' })).toThrow(/gRPC is not supported/)
    expect(() => observabilitySettings({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: '2' })).toThrow('OTEL_TRACES_SAMPLER_ARG=2 is not a ratio between 0 and 1.')
    expect(() => observabilitySettings({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_EXPORTER_OTLP_HEADERS: 'novalue' })).toThrow(/name=value/)
  })
})

describe('traceparent', () => {
  const traceId = '4bf92f3577b34da6a3ce929d0e0e4736'
  it('reads a valid header and writes it back', () => {
    expect(parseTraceparent(`00-${traceId}-00f067aa0ba902b7-01`)).toEqual({ traceId, spanId: '00f067aa0ba902b7', sampled: true })
    expect(parseTraceparent(`00-${traceId}-00f067aa0ba902b7-00`)?.sampled).toBe(false)
    expect(formatTraceparent({ traceId, spanId: '00f067aa0ba902b7', sampled: true })).toBe(`00-${traceId}-00f067aa0ba902b7-01`)
    // A later version may carry more fields; its first four are read.
    expect(parseTraceparent(`01-${traceId}-00f067aa0ba902b7-01-extra`)?.traceId).toBe(traceId)
  })

  it('ignores malformed headers (the gateway then starts its own trace)', () => {
    for (const bad of [
      undefined, '', 'garbage', `00-${traceId}-00f067aa0ba902b7-01-extra`, `ff-${traceId}-00f067aa0ba902b7-01`,
      `00-${'0'.repeat(32)}-00f067aa0ba902b7-01`, `00-${traceId}-${'0'.repeat(16)}-01`, `00-${traceId.toUpperCase()}-00f067aa0ba902b7-01`,
    ]) expect(parseTraceparent(bad), String(bad)).toBeUndefined()
  })
})
