import js from '@eslint/js'
import tseslint from 'typescript-eslint'

// The pure core (simulation, model, statistics, profiles, report builders, helpers, domain
// types) must not touch the machine or the edges: no node:* modules, no cluster client, no
// files, no terminal. test/architecture.test.ts checks the same rule without ESLint, and the
// rank order of all folders (docs/architecture.md).
const pureLayers = [
  'src/sim/**',
  'src/model/**',
  'src/stats/**',
  'src/profile/**',
  'src/report/**',
  'src/lib/**',
  'src/domain/**',
  'src/analyze/**',
  'src/demo/**',
  'src/cli/**',
]
const edgeImports = {
  patterns: [
    {regex: '^node:', message: 'Pure layers do no I/O: move this to src/io, src/cluster or src/app.'},
    {regex: '^(fs|path|os|child_process|worker_threads|crypto|http|https|net|process)$', message: 'Pure layers do no I/O.'},
    {regex: '^@kubernetes/client-node', message: 'Only src/cluster imports the Kubernetes client.'},
    {regex: '^@oclif/', message: 'Only commands import oclif.'},
    {regex: '/(io|cluster|app|commands)/', message: 'Imports flow one way: commands → app → edges → pure core.'},
  ],
}

export default tseslint.config(
  {ignores: ['dist/**', 'node_modules/**', '.tools/**', 'reports/**', 'test-artifacts/**', 'native/build/**']},
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {process: 'readonly', console: 'readonly', Buffer: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', URL: 'readonly'},
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', {argsIgnorePattern: '^_', varsIgnorePattern: '^_'}],
      'no-constant-condition': ['error', {checkLoops: false}],
    },
  },
  {files: pureLayers, rules: {'no-restricted-imports': ['error', edgeImports], 'no-restricted-globals': ['error', 'process', 'Buffer']}},
  {
    files: ['src/sim/**', 'src/model/**', 'src/stats/**', 'src/profile/**', 'src/lib/**', 'src/analyze/**', 'src/demo/**'],
    rules: {
      'no-restricted-properties': [
        'error',
        {object: 'Math', property: 'random', message: 'Use the seeded PRNG from src/lib/prng.ts.'},
        {object: 'Date', property: 'now', message: 'The core takes time as input.'},
      ],
    },
  },
)
