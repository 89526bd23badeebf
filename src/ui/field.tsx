import type { Child } from 'hono/jsx'

/** A form control with its label (`for` its id), so its accessible name is the label alone, never its options. */
export function Field({ label, id, children }: { label: string; id: string; children: Child }) {
  return <div class="field"><label for={id}>{label}</label>{children}</div>
}
