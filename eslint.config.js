import js from '@eslint/js'
import tseslint from 'typescript-eslint'

const nodeOnly = [
  'src/node.ts', 'src/node-fetch.ts', 'src/cli.ts', 'src/store/sqlite.ts',
  // The usage writer thread (Node only: the server's usage batches off the event loop).
  'src/store/sqlite-usage-writer.ts', 'src/store/sqlite-usage-thread.ts', 'src/store/sqlite-usage-offload.ts',
]

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'bench/portkey/**', 'bench/results/**', '.wrangler/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
    },
  },
  {
    // One app, two runtimes: src/ and providers/ use Web APIs only (DESIGN.md).
    files: ['src/**/*.ts', 'src/**/*.tsx', 'providers/**/*.ts'],
    ignores: nodeOnly,
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['node:*'], message: 'node:* imports live in src/node.ts, src/cli.ts and src/store/sqlite.ts only.' },
          { group: ['better-sqlite3'], message: 'better-sqlite3 lives in src/store/sqlite.ts only.' },
          { group: ['fs', 'path', 'os', 'http', 'https', 'net', 'crypto', 'child_process', 'worker_threads', 'undici'], message: 'Node built-ins stay out of the portable code.' },
        ],
      }],
    },
  },
  {
    files: ['bench/**/*.js', 'test/**/*.js', '*.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', URL: 'readonly', Buffer: 'readonly', fetch: 'readonly', performance: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', AbortController: 'readonly', TextEncoder: 'readonly', TextDecoder: 'readonly' } },
  },
)
