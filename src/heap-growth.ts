/**
 * The old generation's growth bound: V8 lets it grow to up to 4× what the last full collection kept when a
 * process allocates fast, and a gateway under load does. At 1.5× the bench's RSS after load fell from
 * ≈ 210 to ≈ 175 MB with no CPU cost its runs could tell from noise (BENCHMARKS.md, "Memory"). Nothing is
 * returned when the operator set their own (`--heap-growing-percent` in the command line or NODE_OPTIONS).
 */
export function heapGrowthFlag(execArgv: readonly string[], nodeOptions: string | undefined): string | undefined {
  const given = [...execArgv, ...(nodeOptions ?? '').split(/\s+/)].some((arg) => /^--heap[-_]growing[-_]percent\b/.test(arg))
  return given ? undefined : '--heap-growing-percent=50'
}
