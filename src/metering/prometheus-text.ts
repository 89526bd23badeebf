/** Writers for Prometheus's text exposition format (version 0.0.4). */

export type Labels = Record<string, string>

function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"')
}

export function labelText(labels: Labels): string {
  const parts = Object.entries(labels).map(([name, value]) => `${name}="${escapeLabel(value)}"`)
  return parts.length ? `{${parts.join(',')}}` : ''
}

/** A number as Prometheus reads it (`+Inf` for infinity). */
export function sampleValue(value: number | string): string {
  if (typeof value === 'string') return value
  if (value === Number.POSITIVE_INFINITY) return '+Inf'
  return String(value)
}

export function familyHeader(name: string, type: 'counter' | 'gauge' | 'histogram', help: string): string {
  return `# HELP ${name} ${help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}\n# TYPE ${name} ${type}\n`
}

/** Cumulative buckets, sum and count of one labelled histogram series. */
export class HistogramSeries {
  private readonly counts: number[]
  private sum = 0
  private count = 0

  constructor(private readonly bounds: readonly number[]) {
    this.counts = bounds.map(() => 0)
  }

  observe(value: number): void {
    this.sum += value
    this.count++
    for (let i = 0; i < this.bounds.length; i++) if (value <= this.bounds[i]!) this.counts[i]!++
  }

  write(name: string, labels: Labels): string {
    let out = ''
    this.bounds.forEach((bound, i) => {
      out += `${name}_bucket${labelText({ ...labels, le: String(bound) })} ${this.counts[i]}\n`
    })
    out += `${name}_bucket${labelText({ ...labels, le: '+Inf' })} ${this.count}\n`
    out += `${name}_sum${labelText(labels)} ${this.sum}\n`
    out += `${name}_count${labelText(labels)} ${this.count}\n`
    return out
  }
}
