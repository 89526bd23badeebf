/** A plain-text table: a header row, then one row per item; numbers right-aligned, two spaces apart. */

export interface TableColumn<Row> {
  header: string
  cell: (row: Row) => string
  /** Right-align (numbers, amounts). */
  numeric?: boolean
}

export function renderTable<Row>(columns: ReadonlyArray<TableColumn<Row>>, rows: readonly Row[]): string {
  const body = rows.map((row) => columns.map((column) => column.cell(row)))
  const widths = columns.map((column, i) => Math.max(column.header.length, ...body.map((line) => line[i]!.length)))
  const line = (cells: string[]) => cells.map((cell, i) => (columns[i]!.numeric ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!))).join('  ').trimEnd()
  return [line(columns.map((c) => c.header)), ...body.map(line)].join('\n') + '\n'
}
