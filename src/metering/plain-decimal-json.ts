/**
 * JSON whose numbers never use exponent notation: JavaScript writes 0.00000042 as `4.2e-7`, which a
 * person reading a cost (or a shell script comparing it) should never see. Same values, plain digits.
 */

/** `4.2e-7` → `0.00000042`, `1e+21` → `1000000000000000000000`; any other text unchanged. */
export function expandExponent(token: string): string {
  const match = /^(-?)(\d+)(?:\.(\d+))?[eE]([-+]?\d+)$/.exec(token)
  if (!match) return token
  const [, sign, whole, fraction = '', exponent] = match
  const digits = whole! + fraction
  const point = whole!.length + Number(exponent)
  const plain = point <= 0 ? `0.${'0'.repeat(-point)}${digits}`
    : point >= digits.length ? digits + '0'.repeat(point - digits.length)
    : `${digits.slice(0, point)}.${digits.slice(point)}`
  return sign + plain.replace(/^0+(?=\d)/, '')
}

const EXPONENT = /\de[-+]\d/
const NUMBER_CHAR = /[-+0-9.eE]/

/** JSON.stringify, then every number token in exponent form (outside strings) rewritten as plain decimals. */
export function plainDecimalJson(value: unknown, indent?: number): string {
  const text = JSON.stringify(value, null, indent)
  if (text === undefined || !EXPONENT.test(text)) return text
  let out = ''
  let copied = 0
  for (let i = 0; i < text.length;) {
    const ch = text[i]!
    if (ch === '"') {
      i++
      while (text[i] !== '"') i += text[i] === '\\' ? 2 : 1
      i++
    } else if (ch === '-' || (ch >= '0' && ch <= '9')) {
      let end = i
      while (end < text.length && NUMBER_CHAR.test(text[end]!)) end++
      const token = text.slice(i, end)
      if (token.includes('e')) {
        out += text.slice(copied, i) + expandExponent(token)
        copied = end
      }
      i = end
    } else i++
  }
  return out + text.slice(copied)
}

/** The content type that goes with a `plainDecimalJson` body (what `c.json` would have set). */
export const jsonContentType = { 'content-type': 'application/json' } as const
