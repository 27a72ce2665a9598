/**
 * The threaded wasm backend works in the production build. tfjs-backend-wasm starts its pthread
 * workers from the source text of a bundled function (Function.prototype.toString); a minifier that
 * rewrites that function can leave the workers unable to start. This runs the real backend in the
 * built bundle (through the test-only harness page) and checks threads, workers and numerics.
 *
 * tfjs-backend-wasm 4.22 sizes its thread pool as min(requested, hardwareConcurrency / 2), so on a
 * 2-vCPU machine (CI) it computes on one thread even though the 8 pthread workers are started. The
 * multithreaded checks therefore emulate 4 logical cores (CDP Emulation.setHardwareConcurrencyOverride
 * on the page; a navigator override inside the harness worker, which CDP does not reach) so that
 * the pool really hands work to a pthread worker; the last test records the machine's own default.
 * The backend is started through the app's selectBackend({ force: 'wasm' }) (src/model).
 */
import type { Page } from '@playwright/test';
import type { WasmReport } from './harness/harness';
import { expect, test } from './fixtures';

const HARNESS = '/e2e/harness/index.html';

/** Runs the harness's wasm check on the page or in a module worker, optionally as if on `cores` logical cores. */
async function wasmCheck(page: Page, where: 'page' | 'worker' = 'page', cores?: number): Promise<WasmReport> {
  if (cores && where === 'page') {
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Emulation.setHardwareConcurrencyOverride', { hardwareConcurrency: cores });
  }
  await page.goto(HARNESS);
  await page.waitForFunction(() => window.__harness !== undefined);
  // If the pthread workers cannot start, backend init never settles: bound it and say so.
  const report: WasmReport | 'timeout' = await page.evaluate(
    ([inWorker, n]) =>
      Promise.race([
        inWorker ? window.__harness!.wasmCheckInWorker(n) : window.__harness!.wasmCheck(),
        new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 60_000)),
      ]),
    [where === 'worker', cores] as const,
  );
  if (report === 'timeout') throw new Error('the wasm backend did not initialise within 60 s (pthread workers failed to start?)');
  test.info().annotations.push({ type: 'wasm', description: JSON.stringify(report) });
  return report;
}

test('the harness page carries the same CSP as the app', async ({ request }) => {
  const csp = (html: string) => /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)?.[1];
  const app = csp(await (await request.get('/')).text());
  const harness = csp(await (await request.get(HARNESS)).text());
  expect(app).toBeTruthy();
  expect(harness).toBe(app);
});

test('wasm backend runs multithreaded in the production build and matches the cpu backend', async ({ page, privacy, consoleErrors }) => {
  const report = await wasmCheck(page, 'page', 4);

  expect(report.scope).toBe('page');
  expect(report.hardwareConcurrency).toBe(4);
  expect(report.crossOriginIsolated).toBe(true);
  expect(report.backend).toBe('wasm');
  expect(report.reason).toMatch(/^WebAssembly, 2 threads, SIMD/);
  expect(report.simd).toBe(true);
  expect(report.multithread).toBe(true);
  expect(report.threads).toBeGreaterThanOrEqual(2);
  expect(report.runningWorkers, 'pthread workers owned by the thread pool').toBeGreaterThanOrEqual(1);
  expect(report.outputShape).toEqual([2, 58, 58, 32]);
  expect(report.maxAbs).toBeGreaterThan(1);
  expect(report.maxAbsDiff).toBeLessThanOrEqual(1e-4);
  expect(report.leaked).toBe(0);
  expect(privacy.requests.some((u) => /tfjs-backend-wasm-threaded-simd-[\w-]+\.wasm$/.test(u))).toBe(true);
  expect(consoleErrors).toEqual([]);
});

test('wasm backend runs multithreaded inside a module worker (as training does)', async ({ page, privacy, consoleErrors }) => {
  const report = await wasmCheck(page, 'worker', 4);
  expect(report.scope).toBe('worker');
  expect(report.hardwareConcurrency).toBe(4);
  expect(report.crossOriginIsolated).toBe(true);
  expect(report.backend).toBe('wasm');
  expect(report.multithread).toBe(true);
  expect(report.threads).toBeGreaterThanOrEqual(2);
  expect(report.runningWorkers, 'pthread workers owned by the thread pool').toBeGreaterThanOrEqual(1);
  expect(report.maxAbsDiff).toBeLessThanOrEqual(1e-4);
  expect(report.leaked).toBe(0);
  // The worker fetched the binary itself, and the privacy guard saw that request too.
  expect(privacy.requests.some((u) => /tfjs-backend-wasm-threaded-simd-[\w-]+\.wasm$/.test(u))).toBe(true);
  expect(consoleErrors).toEqual([]);
});

test('on the machine’s own core count the threaded build starts and sizes its pool to cores / 2', async ({ page, consoleErrors }) => {
  const report = await wasmCheck(page);
  expect(report.backend).toBe('wasm');
  expect(report.multithread).toBe(true);
  // selectBackend asks for at least that many threads; tfjs 4.22 caps its pool at cores / 2.
  expect(report.threads).toBe(Math.min(8, Math.max(1, Math.floor(report.hardwareConcurrency / 2))));
  expect(report.runningWorkers + report.unusedWorkers, 'the pthread pool was started').toBeGreaterThanOrEqual(1);
  expect(report.maxAbsDiff).toBeLessThanOrEqual(1e-4);
  expect(consoleErrors).toEqual([]);
});
