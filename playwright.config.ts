/**
 * End-to-end tests against the production build, in Debian's Chromium with a fake camera.
 *
 * - Browser: PLAYWRIGHT_CHROMIUM_PATH or CHROME_PATH, else /usr/bin/chromium (e2e/fixtures/browser.ts).
 * - Server: `vite build` with E2E_HARNESS=1 (the app plus the test-only page e2e/harness/, written to
 *   e2e/.generated/dist so dist/ never holds it), then `vite preview` of that build, which sends the
 *   COOP/COEP headers from vite.config.ts.
 * - Fake-camera clips are made by the globalSetup (e2e/global-setup.ts) into e2e/.generated/.
 */
import { defineConfig } from '@playwright/test';
import { chromiumLaunchOptions } from './e2e/fixtures/browser';

/** E2E_PORT moves the preview server (default 4173), e.g. to run two checkouts side by side. */
const PORT = Number(process.env.E2E_PORT ?? 4173);
const baseURL = `http://localhost:${PORT}`;
const CI = !!process.env.CI;

export default defineConfig({
  testDir: 'e2e',
  testMatch: '**/*.spec.ts',
  outputDir: 'test-results',
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
    reuseExistingServer: !CI,
    timeout: 300_000,
    stdout: 'ignore',
    stderr: 'pipe',
  },
});
