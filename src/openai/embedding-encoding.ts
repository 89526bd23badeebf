/**
 * OpenAI's `encoding_format: "base64"`: each vector as little-endian float32 bytes, base64-encoded. The
 * openai SDK (and LangChain through it) asks for it by default and decodes it itself, so a gateway that
 * answered floats, or base64 of something else, hands those clients empty or garbled vectors.
 */

const BYTES_PER_FLOAT = 4
/** btoa/atob take a binary string; building it in slices keeps apply() under the engine's argument limit. */
const SLICE = 0x8000

export function floatsToBase64(values: readonly number[]): string {
  const bytes = new Uint8Array(values.length * BYTES_PER_FLOAT)
  const view = new DataView(bytes.buffer)
  for (let i = 0; i < values.length; i++) view.setFloat32(i * BYTES_PER_FLOAT, values[i]!, true)
  let binary = ''
  for (let offset = 0; offset < bytes.length; offset += SLICE) {
    binary += String.fromCharCode(...bytes.subarray(offset, offset + SLICE))
  }
  return btoa(binary)
}

export function base64ToFloats(encoded: string): number[] {
  const binary = atob(encoded)
  if (binary.length % BYTES_PER_FLOAT !== 0) throw new Error('base64 embedding is not a whole number of float32 values')
  const view = new DataView(new ArrayBuffer(binary.length))
  for (let i = 0; i < binary.length; i++) view.setUint8(i, binary.charCodeAt(i))
  const out = new Array<number>(binary.length / BYTES_PER_FLOAT)
  for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(i * BYTES_PER_FLOAT, true)
  return out
}
