import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';

/**
 * Cross-origin isolation lets the wasm backend use SharedArrayBuffer, i.e. threads.
 * Both the dev server and the preview server (which the e2e tests use) send them.
 */
const isolationHeaders = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

export default defineConfig({
  plugins: [react()],
  server: { headers: isolationHeaders },
  preview: { headers: isolationHeaders },
  worker: { format: 'es' },
  build: {
    target: 'es2022',
    // The threaded wasm backend builds its pthread worker from the *source text* of a function
    // (Function.prototype.toString). Minifying that source renames identifiers the worker looks
    // up by name, so the threaded backend hangs. We keep whitespace/syntax minification but not
    // identifier mangling; e2e/wasm-threads.spec.ts checks threads work in the production build.
    minify: false,
    chunkSizeWarningLimit: 4096,
  },
  test: {
    include: ['src/**/*.test.ts', 'scripts/**/*.test.ts', 'test/**/*.test.ts'],
    environment: 'node',
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
