/**
 * Headless Chromium for the bench, launched the way the e2e suite launches it (same binary and
 * flags: e2e/fixtures/browser.ts), plus precise heap numbers for the import part.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { checkChromium, chromiumLaunchOptions, CHROMIUM_PATH } from '../../e2e/fixtures/browser';
import { HARNESS_PATH } from './server';

export { CHROMIUM_PATH };

function launchOptions() {
  const base = chromiumLaunchOptions('none');
  return { ...base, args: [...(base.args ?? []), '--enable-precise-memory-info'] };
}

export async function launchBrowser(): Promise<Browser> {
  checkChromium();
  return chromium.launch(launchOptions());
}

export interface PageOptions {
  /**
   * What navigator.hardwareConcurrency says (Chrome DevTools Protocol override). tfjs-backend-wasm
   * 4.22 sizes its thread pool as min(threads asked, hardwareConcurrency / 2), so on a 2-core
   * machine two wasm threads need it to say 4. The computation still runs on the real cores.
   */
  readonly hardwareConcurrency?: number;
}

export interface BenchSession {
  readonly page: Page;
  readonly context: BrowserContext;
  /** The page's navigator.hardwareConcurrency. */
  readonly hardwareConcurrency: number;
  close(): Promise<void>;
}

/** Opens the harness and waits for `window.__bench`; `[bench]` console lines go to stdout. */
async function openHarness(
  context: BrowserContext,
  origin: string,
  options: PageOptions,
  cleanup: () => Promise<void>,
): Promise<BenchSession> {
  const page = context.pages()[0] ?? (await context.newPage());
  page.on('console', (msg) => {
    const text = msg.text();
    if (text.startsWith('[bench]')) console.log(`  ${text}`);
    else if (msg.type() === 'error') console.error(`  [page error] ${text}`);
  });
  page.on('pageerror', (e) => console.error(`  [page exception] ${e.message}`));
  if (options.hardwareConcurrency !== undefined) {
    const cdp = await context.newCDPSession(page);
    await cdp.send('Emulation.setHardwareConcurrencyOverride', { hardwareConcurrency: options.hardwareConcurrency });
  }
  await page.goto(origin + HARNESS_PATH);
  await page.waitForFunction(() => window.__bench !== undefined, undefined, { timeout: 60_000 });
  const hardwareConcurrency = await page.evaluate(() => navigator.hardwareConcurrency);
  const isolated = await page.evaluate(() => crossOriginIsolated);
  if (!isolated)
    throw new Error(
      'the bench page is not cross-origin isolated: wasm threads would be off (check the COOP/COEP headers of vite.config.ts)',
    );
  return {
    page,
    context,
    hardwareConcurrency,
    close: async () => {
      await context.close();
      await cleanup();
    },
  };
}

/** A fresh in-memory browser context on the harness page. */
export async function openSession(browser: Browser, origin: string, options: PageOptions = {}): Promise<BenchSession> {
  const context = await browser.newContext();
  return openHarness(context, origin, options, async () => {});
}

/** A fresh on-disk profile (IndexedDB on disk, as for a user), in a browser of its own. */
export async function openPersistentSession(origin: string, options: PageOptions = {}): Promise<BenchSession> {
  checkChromium();
  const dir = await mkdtemp(path.join(os.tmpdir(), 'sfid-bench-profile-'));
  const context = await chromium.launchPersistentContext(dir, launchOptions());
  return openHarness(context, origin, options, () => rm(dir, { recursive: true, force: true }));
}
