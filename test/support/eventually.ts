/** Polls (bounded) until the condition holds. */
export async function eventually(condition: () => boolean, what: string, tries = 2_000): Promise<void> {
  for (let i = 0; i < tries; i++) {
    if (condition()) return
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
  throw new Error(`timed out waiting for ${what}`)
}
