import { familyHeader, labelText } from '../metering/prometheus-text.js'

/** A point-in-time reading of the process (Node only; Workers have no process to describe). */
export interface RuntimeSample {
  residentMemoryBytes: number
  heapUsedBytes: number
  heapTotalBytes: number
  externalMemoryBytes: number
  cpuUserSeconds: number
  cpuSystemSeconds: number
  startTimeSeconds: number
  /** Open handles and requests keeping the event loop alive (sockets, timers, files). */
  activeResources: number
  eventLoopLagSeconds: { p50: number; p99: number; max: number }
  /** Collections and time spent in them, by kind (minor, major, incremental, weakcb). */
  gc: ReadonlyMap<string, { count: number; seconds: number }>
}

export interface RuntimeSampler {
  sample(): RuntimeSample
}

/** The process families of GET /metrics, named as prom-client's default metrics name them. */
export function renderRuntimeMetrics(s: RuntimeSample): string {
  let out = ''
  const gauge = (name: string, help: string, value: number) => {
    out += familyHeader(name, 'gauge', help) + `${name} ${value}\n`
  }
  out += familyHeader('process_cpu_seconds_total', 'counter', 'User and system CPU time spent, in seconds.') + `process_cpu_seconds_total ${s.cpuUserSeconds + s.cpuSystemSeconds}\n`
  gauge('process_resident_memory_bytes', 'Resident memory size in bytes.', s.residentMemoryBytes)
  gauge('process_start_time_seconds', 'Start time of the process since the Unix epoch, in seconds.', s.startTimeSeconds)
  gauge('nodejs_heap_size_used_bytes', 'V8 heap in use, in bytes.', s.heapUsedBytes)
  gauge('nodejs_heap_size_total_bytes', 'V8 heap allocated, in bytes.', s.heapTotalBytes)
  gauge('nodejs_external_memory_bytes', 'Memory of C++ objects bound to JavaScript objects, in bytes.', s.externalMemoryBytes)
  gauge('nodejs_active_resources', 'Handles and requests keeping the event loop alive.', s.activeResources)
  gauge('nodejs_eventloop_lag_p50_seconds', 'Median event loop delay since the previous scrape, in seconds.', s.eventLoopLagSeconds.p50)
  gauge('nodejs_eventloop_lag_p99_seconds', '99th percentile event loop delay since the previous scrape, in seconds.', s.eventLoopLagSeconds.p99)
  gauge('nodejs_eventloop_lag_max_seconds', 'Largest event loop delay since the previous scrape, in seconds.', s.eventLoopLagSeconds.max)
  out += familyHeader('nodejs_gc_duration_seconds_total', 'counter', 'Garbage collection time by kind, in seconds.')
  for (const [kind, { seconds }] of s.gc) out += `nodejs_gc_duration_seconds_total${labelText({ kind })} ${seconds}\n`
  out += familyHeader('nodejs_gc_runs_total', 'counter', 'Garbage collections by kind.')
  for (const [kind, { count }] of s.gc) out += `nodejs_gc_runs_total${labelText({ kind })} ${count}\n`
  return out
}

/** The parts of Node's `process` and `node:perf_hooks` the sampler reads, handed in by src/node.ts. */
export interface NodeRuntimeHandles {
  process: {
    memoryUsage(): { rss: number; heapUsed: number; heapTotal: number; external: number }
    cpuUsage(): { user: number; system: number }
    uptime(): number
    getActiveResourcesInfo(): string[]
  }
  monitorEventLoopDelay(options: { resolution: number }): { enable(): void; percentile(p: number): number; max: number; reset(): void }
  PerformanceObserver: new (callback: (list: { getEntries(): Array<{ duration: number; detail?: unknown }> }) => void) => { observe(options: { entryTypes: ['gc'] }): void; disconnect(): void }
}

/** V8's NODE_PERFORMANCE_GC_* flags, as perf_hooks reports a collection's kind. */
const GC_KINDS: Record<number, string> = { 1: 'minor', 2: 'major', 4: 'incremental', 8: 'weakcb' }

function nanosToSeconds(nanos: number): number {
  return Number.isFinite(nanos) ? nanos / 1e9 : 0
}

export function nodeRuntimeSampler(handles: NodeRuntimeHandles, now: () => number = Date.now): RuntimeSampler & { stop(): void } {
  const startTimeSeconds = Math.round(now() / 1000 - handles.process.uptime())
  const delay = handles.monitorEventLoopDelay({ resolution: 10 })
  delay.enable()
  const gc = new Map<string, { count: number; seconds: number }>()
  const observer = new handles.PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      const detail = entry.detail as { kind?: number } | undefined
      const kind = GC_KINDS[detail?.kind ?? 0] ?? 'other'
      const totals = gc.get(kind) ?? { count: 0, seconds: 0 }
      totals.count++
      totals.seconds += entry.duration / 1000
      gc.set(kind, totals)
    }
  })
  observer.observe({ entryTypes: ['gc'] })
  return {
    sample() {
      const memory = handles.process.memoryUsage()
      const cpu = handles.process.cpuUsage()
      const lag = { p50: nanosToSeconds(delay.percentile(50)), p99: nanosToSeconds(delay.percentile(99)), max: nanosToSeconds(delay.max) }
      delay.reset()
      return {
        residentMemoryBytes: memory.rss, heapUsedBytes: memory.heapUsed, heapTotalBytes: memory.heapTotal, externalMemoryBytes: memory.external,
        cpuUserSeconds: cpu.user / 1e6, cpuSystemSeconds: cpu.system / 1e6, startTimeSeconds,
        activeResources: handles.process.getActiveResourcesInfo().length,
        eventLoopLagSeconds: lag, gc,
      }
    },
    stop() {
      observer.disconnect()
    },
  }
}
