/** The prompt portal's part of the dashboard stylesheet (appended to /ui/assets/style.css). */
export const portalCss = `
.visually-hidden { position: absolute; width: 1px; height: 1px; padding: 0; margin: -1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; border: 0; }
.prompt-grid { display: grid; gap: var(--gap); grid-template-columns: repeat(auto-fill, minmax(340px, 1fr)); }
.prompt-card { display: flex; flex-direction: column; gap: 8px; margin: 0; }
.prompt-card p { margin: 0; }
.prompt-card-head { display: flex; flex-wrap: wrap; justify-content: space-between; align-items: baseline; gap: 8px; }
.prompt-card-head h2 { margin: 0; }
.prompt-card-actions { margin-top: auto; padding-top: 8px; align-items: center; }
.version-line { display: block; }
details.schema summary, details summary { cursor: pointer; color: var(--accent); margin: 4px 0; }
.schema-fields { display: grid; gap: 14px; margin-bottom: 12px; }
.schema-field label { flex-direction: row; gap: 0; font-size: 14px; color: var(--ink); font-weight: 600; }
.schema-field .required { color: var(--danger); }
.schema-field.checkbox { display: grid; grid-template-columns: auto 1fr; align-items: center; column-gap: 10px; }
.schema-field.checkbox input { width: 22px; min-height: 22px; order: -1; }
.schema-field.checkbox .hint, .schema-field.checkbox .field-error { grid-column: 1 / -1; }
.hint { margin: 4px 0 0; font-size: 13px; color: var(--muted); }
.field-error { margin: 4px 0 0; font-size: 13px; color: var(--danger); }
textarea.mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 13px; }
pre.output { white-space: pre-wrap; word-break: break-word; background: #fff; border: 1px solid var(--line); }
.snippet { margin-bottom: 12px; }
.snippet-head { display: flex; justify-content: space-between; align-items: center; gap: 8px; }
.snippet-head h3 { margin: 0; font-size: 1rem; }
.snippet pre { margin: 6px 0 0; }
.decide label, #request-access label { flex-direction: row; flex-wrap: wrap; gap: 4px; }
.request-list { list-style: none; margin: 0; padding: 0; }
.request { border-top: 1px solid var(--line); padding: 12px 0; }
.request p { margin: 0 0 6px; }
.request blockquote { margin: 0 0 8px; padding: 6px 12px; border-left: 3px solid var(--line); color: var(--ink); }
.decide { display: flex; flex-wrap: wrap; gap: 8px; align-items: flex-end; }
.decide form.refuse { display: flex; flex-wrap: wrap; gap: 8px; align-items: flex-end; flex: 1 1 280px; }
.decide form.refuse label { flex: 1 0 100%; }
.decide form.refuse input { flex: 1 1 180px; width: auto; }
@media (max-width: 640px) {
  .prompt-grid { grid-template-columns: 1fr; }
  dl.facts { grid-template-columns: 1fr; }
  dl.facts dd { margin-bottom: 6px; }
}
`
