// Lint: TypeScript rules everywhere, plus the architecture rule of DESIGN.md: src/core is pure (no React, no DOM
// globals, no workers) so it runs in Node tests, workers and the sidecar.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

const domGlobals = ['window', 'document', 'navigator', 'localStorage', 'sessionStorage', 'indexedDB', 'HTMLElement',
  'Worker', 'location', 'history', 'alert', 'requestAnimationFrame', 'getComputedStyle', 'caches'];

export default tseslint.config(
  { ignores: ['.forge-device/**', 'dist/**', 'dist-*/**', 'node_modules/**', 'test-results/**', 'playwright-report/**', 'public/**', 'models/**/*.json', 'bench/results/**', 'wasm/*.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
      'no-console': 'off',
    },
  },
  {
    files: ['src/**/*.tsx', 'src/app/**/*.ts', 'src/state/**/*.ts', 'src/features/**/*.ts'],
    plugins: { 'react-hooks': reactHooks },
    rules: { 'react-hooks/rules-of-hooks': 'error', 'react-hooks/exhaustive-deps': 'warn' },
  },
  {
    files: ['src/core/**/*.ts'],
    languageOptions: { globals: { ...globals.es2022 } },
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['react', 'react-dom', 'react/*', 'react-dom/*', 'zustand', 'zustand/*', 'recharts'], message: 'src/core is pure TypeScript: no React or UI state.' },
          { group: ['comlink', '**/workers/**', '*.worker', '*.worker.ts'], message: 'src/core must not import workers; workers import core.' },
          { group: ['**/app/**', '**/features/**', '**/state/**', '**/viz/**'], message: 'Dependencies point down: core imports nothing above it.' },
        ],
      }],
      'no-restricted-globals': ['error', ...domGlobals.map((name) => ({ name, message: `src/core must run in Node and workers: no DOM global "${name}".` }))],
    },
  },
);
