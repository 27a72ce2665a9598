import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';

/**
 * The app's Content-Security-Policy. Its one source is the <meta> in index.html (which also holds
 * for a plain static host); the dev and preview servers send the same text as a response header
 * because a <meta> policy binds only its document: a worker started from a script URL (the training
 * worker) gets the policy of its script's response. e2e/privacy-worker.spec.ts checks both.
 */
const CONTENT_SECURITY_POLICY = cspOf(readFileSync(new URL('./index.html', import.meta.url), 'utf8'));

function cspOf(html: string): string {
  const csp = /<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)?.[1];
  if (!csp) throw new Error('vite.config.ts: index.html has no <meta http-equiv="Content-Security-Policy" content="…">');
  return csp;
}

/** `csp` with one more inline script allowed in script-src, by its SHA-256 hash. */
function allowInlineScript(csp: string, script: string): string {
  const hash = `'sha256-${createHash('sha256').update(script).digest('base64')}'`;
  if (!/(^|;\s*)script-src /.test(csp)) throw new Error(`vite.config.ts: the CSP has no script-src directive: ${csp}`);
  return csp.replace(/(^|;\s*)script-src ([^;]*)/, `$1script-src $2 ${hash}`);
}

/**
 * Cross-origin isolation lets the wasm backend use SharedArrayBuffer, i.e. threads; and the CSP.
 * Both the dev server and the preview server (which the e2e tests use) send them on every response.
 */
function serverHeaders(csp: string) {
  return {
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Embedder-Policy': 'require-corp',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'Content-Security-Policy': csp,
  };
}

/**
 * The dev server's pages start with React Fast Refresh's inline preamble (injected by
 * @vitejs/plugin-react, base '/'), which the header would block: in dev that one script is allowed
 * by its hash. The production build has no inline script; preview sends the policy unchanged.
 */
const DEV_CSP = allowInlineScript(CONTENT_SECURITY_POLICY, react.preambleCode.replace('__BASE__', '/'));

/**
 * Production minification that keeps the threaded wasm backend working (see `build` below):
 * identifier mangling and whitespace removal, no compressor.
 */
export const WASM_SAFE_MINIFY = { compress: false, mangle: true, codegen: { removeWhitespace: true } } as const;

const E2E_HARNESS = process.env.E2E_HARNESS === '1';

export default defineConfig({
  plugins: [react()],
  server: { headers: serverHeaders(DEV_CSP) },
  preview: { headers: serverHeaders(CONTENT_SECURITY_POLICY) },
  worker: { format: 'es', rolldownOptions: { output: { minify: WASM_SAFE_MINIFY } } },
  build: {
    target: 'es2022',
    // The threaded wasm backend starts its pthread workers from the *source text* of the bundled
    // Emscripten factory (Function.prototype.toString), outside the closure it was written in. The
    // minifier's compressor assumes that closure: it folds the factory's
    // `typeof _scriptDir !== "undefined" && _scriptDir` into `e !== void 0 && e`, which throws
    // "ReferenceError: e is not defined" in every worker, and backend init hangs. Identifier
    // mangling alone is safe (consistent renames, the typeof guards stay). So: mangle and strip
    // whitespace, never compress (gzip +3 % over full minification, −45 % against none).
    // `minify: false` turns off Vite's own (compressing) minifier; rolldown's output option below
    // and `worker.rolldownOptions` apply WASM_SAFE_MINIFY to page and worker bundles alike. CSS is
    // still minified. e2e/wasm-threads.spec.ts checks all of this on the page and in a module worker.
    minify: false,
    cssMinify: 'lightningcss',
    chunkSizeWarningLimit: 4096,
    rolldownOptions: {
      output: { minify: WASM_SAFE_MINIFY, comments: false },
      // E2E_HARNESS=1 (set by playwright.config.ts): also build the test-only page e2e/harness/.
      ...(E2E_HARNESS && { input: { main: 'index.html', harness: 'e2e/harness/index.html' } }),
    },
    // The e2e build goes to e2e/.generated/dist so that dist/ (what ships) never holds the
    // harness; `vite preview` with the same env serves that folder. E2E_OUT_DIR moves it (two
    // checkouts or developers running e2e side by side).
    ...(E2E_HARNESS && { outDir: process.env.E2E_OUT_DIR ?? 'e2e/.generated/dist', emptyOutDir: true }),
  },
  test: {
    include: ['src/**/*.test.ts', 'scripts/**/*.test.ts', 'test/**/*.test.ts', 'bench/**/*.test.ts', 'tools/**/*.test.ts'],
    environment: 'node',
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
