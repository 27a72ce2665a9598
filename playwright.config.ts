/**
 * End-to-end tests against the production build, in Debian's Chromium with a fake camera.
 *
 * - Browser: PLAYWRIGHT_CHROMIUM_PATH or CHROME_PATH, else /usr/bin/chromium (e2e/fixtures/browser.ts).
 * - Server: `vite build` with E2E_HARNESS=1 (the app plus the test-only page e2e/harness/, written to
 *   e2e/.generated/dist so dist/ never holds it), then `vite preview` of that build, which sends the
 *   COOP/COEP and Content-Security-Policy headers from vite.config.ts. Always a fresh build on a port
 *   of its own: a server already on that port (say a developer's `npm run preview` of a stale dist/,
 *   without the harness) is never tested instead: Playwright stops, saying the URL is already used.
 * - Fake-camera clips are made by the globalSetup (e2e/global-setup.ts) into e2e/.generated/.
 */
import { defineConfig } from '@playwright/test';
import { chromiumLaunchOptions } from './e2e/fixtures/browser';

/**
 * The preview server's port: 4317 by default, deliberately not Vite's own (5173 dev, 4173 preview).
 * E2E_PORT moves it, e.g. to run two checkouts side by side.
 */
const PORT = Number(process.env.E2E_PORT ?? 4317);
const baseURL = `http://localhost:${PORT}`;
const CI = !!process.env.CI;

export default defineConfig({
  testDir: 'e2e',
  testMatch: '**/*.spec.ts',
  // E2E_RESULTS_DIR keeps parallel runs (e.g. two checkouts, or helpers) from wiping each other's traces.
  outputDir: process.env.E2E_RESULTS_DIR ?? 'test-results',
  globalSetup: './e2e/global-setup.ts',
  // Two cores: one worker, tests in file order. Training in the browser is slow, hence the timeouts.
  workers: 1,
  fullyParallel: false,
  retries: CI ? 1 : 0,
  forbidOnly: CI,
  timeout: 180_000,
  expect: { timeout: 15_000 },
  reporter: CI ? [['list'], ['html', { open: 'never' }]] : [['list']],
  use: {
    baseURL,
    browserName: 'chromium',
    launchOptions: chromiumLaunchOptions('enrolled'),
    viewport: { width: 1280, height: 800 },
    trace: 'retain-on-failure',
    actionTimeout: 15_000,
    navigationTimeout: 30_000,
  },
  projects: [{ name: 'chromium' }],
  webServer: {
    command: `npx vite build && npx vite preview --port ${PORT} --strictPort`,
    env: { E2E_HARNESS: '1' },
    url: baseURL,
    reuseExistingServer: false,
    timeout: 300_000,
    stdout: 'ignore',
    stderr: 'pipe',
  },
});
