/** A strict reader of Prometheus's text format (0.0.4), enough to check what GET /metrics says. */
export interface Sample {
  name: string
  labels: Record<string, string>
  value: number
}

export interface Exposition {
  types: Map<string, string>
  samples: Sample[]
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (-?[0-9.e+-]+|\+Inf|-Inf|NaN)$/
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"(,|$)/y

/** Throws on any line that is not a comment, a TYPE/HELP line or a well-formed sample of a declared family. */
export function parsePrometheusText(text: string): Exposition {
  if (!text.endsWith('\n')) throw new Error('exposition must end with a newline')
  const types = new Map<string, string>()
  const samples: Sample[] = []
  for (const line of text.slice(0, -1).split('\n')) {
    if (line.startsWith('# TYPE ')) {
      const [name, type] = line.slice(7).split(' ')
      if (!name || !['counter', 'gauge', 'histogram', 'summary', 'untyped'].includes(type ?? '')) throw new Error(`bad TYPE line: ${line}`)
      types.set(name, type!)
      continue
    }
    if (line.startsWith('#')) continue
    const match = SAMPLE.exec(line)
    if (!match) throw new Error(`bad sample line: ${line}`)
    const labels: Record<string, string> = {}
    const body = match[3] ?? ''
    LABEL.lastIndex = 0
    while (LABEL.lastIndex < body.length) {
      const start = LABEL.lastIndex
      const label = LABEL.exec(body)
      if (!label || label.index !== start) throw new Error(`bad labels: ${line}`)
      labels[label[1]!] = label[2]!.replace(/\\n/g, '\n').replace(/\\"/g, '"').replace(/\\\\/g, '\\')
    }
    const name = match[1]!
    const family = name.replace(/_(bucket|sum|count)$/, '')
    if (!types.has(name) && !(types.get(family) === 'histogram')) throw new Error(`sample of an undeclared family: ${line}`)
    samples.push({ name, labels, value: match[4] === '+Inf' ? Infinity : Number(match[4]) })
  }
  return { types, samples }
}

/** The value of the one sample with this name and these labels (others ignored); undefined when absent. */
export function sampleValue(exposition: Exposition, name: string, labels: Record<string, string>): number | undefined {
  return exposition.samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value
}
