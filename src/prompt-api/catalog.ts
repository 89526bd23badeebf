import { parsePromptFile, PromptFileError, type PromptDefinition } from './prompt-file.js'

/** A prompt file's name and text, however the runtime got it (a folder on Node, a bundle on Workers). */
export interface PromptSource {
  file: string
  text: string
}

/** A file that did not load, and why (its other files load regardless). */
export interface PromptLoadError {
  file: string
  message: string
}

export interface LoadReport {
  loaded: number
  errors: PromptLoadError[]
  /** Problems that do not stop a file from serving (a successor version that does not exist). */
  warnings: string[]
}

/** Orders versions numerically segment by segment: 2 < 10, 1.2 < 1.10. */
export function compareVersions(a: string, b: string): number {
  const as = a.split('.').map(Number)
  const bs = b.split('.').map(Number)
  for (let i = 0; i < Math.max(as.length, bs.length); i++) {
    const diff = (as[i] ?? 0) - (bs[i] ?? 0)
    if (diff !== 0) return diff
  }
  return 0
}

interface Snapshot {
  /** name → versions, oldest first */
  byName: Map<string, PromptDefinition[]>
  report: LoadReport
}

function buildSnapshot(sources: readonly PromptSource[]): Snapshot {
  const byName = new Map<string, PromptDefinition[]>()
  const errors: PromptLoadError[] = []
  const warnings: string[] = []
  let loaded = 0
  const ordered = [...sources].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0))
  for (const source of ordered) {
    let prompt: PromptDefinition
    try {
      prompt = parsePromptFile(source.file, source.text)
    } catch (err) {
      errors.push({ file: source.file, message: err instanceof PromptFileError ? err.message : `${source.file}: ${String(err)}` })
      continue
    }
    const versions = byName.get(prompt.name) ?? []
    const clash = versions.find((v) => compareVersions(v.version, prompt.version) === 0)
    if (clash) {
      errors.push({ file: source.file, message: `${source.file}: ${prompt.name} version ${prompt.version} is already defined by ${clash.file}` })
      continue
    }
    versions.push(prompt)
    byName.set(prompt.name, versions)
    loaded++
  }
  for (const versions of byName.values()) {
    versions.sort((a, b) => compareVersions(a.version, b.version))
    for (const v of versions) {
      if (v.successor !== undefined && !versions.some((other) => compareVersions(other.version, v.successor!) === 0)) {
        warnings.push(`${v.file}: successor version ${v.successor} of ${v.name} does not exist`)
      }
    }
  }
  return { byName, report: { loaded, errors, warnings } }
}

/**
 * Every prompt API this deployment knows, all versions. Loading replaces the whole set at once (a
 * SIGHUP reload never serves half a folder); a malformed file is reported and skipped, never fatal.
 */
export class PromptCatalog {
  private snapshot: Snapshot

  constructor(sources: readonly PromptSource[] = []) {
    this.snapshot = buildSnapshot(sources)
  }

  /** Replaces the catalog with these files; returns what loaded and what did not. */
  load(sources: readonly PromptSource[]): LoadReport {
    this.snapshot = buildSnapshot(sources)
    return this.snapshot.report
  }

  get report(): LoadReport {
    return this.snapshot.report
  }

  names(): string[] {
    return [...this.snapshot.byName.keys()].sort()
  }

  /** All versions of a prompt, oldest first (empty when unknown). */
  versions(name: string): readonly PromptDefinition[] {
    return this.snapshot.byName.get(name) ?? []
  }

  version(name: string, version: string): PromptDefinition | undefined {
    return this.versions(name).find((v) => compareVersions(v.version, version) === 0)
  }

  /** The highest published version: what POST /v1/prompts/{name} calls. */
  latestPublished(name: string): PromptDefinition | undefined {
    return this.versions(name).findLast((v) => v.status === 'published')
  }

  /** The latest published version of every prompt that has one, by name. */
  published(): PromptDefinition[] {
    return this.names().map((n) => this.latestPublished(n)).filter((p): p is PromptDefinition => p !== undefined)
  }

  /** Every served version (published or deprecated) of every prompt, by name then version. */
  served(): PromptDefinition[] {
    return this.names().flatMap((n) => this.versions(n).filter((v) => v.status === 'published' || v.status === 'deprecated'))
  }
}
