// Vite's ?raw imports (a file's text), as the shared tests use them for recorded streams.
declare module '*?raw' {
  const text: string
  export default text
}
