/**
 * WebGL smoke test. Headless Chromium here has WebGL only as a software renderer (SwiftShader,
 * pinned by e2e/fixtures/browser.ts), which is far slower than WebAssembly for convolutions:
 *
 * - the app picks wasm and says why, in the backend badge and in the Train panel's backend text;
 * - the WebGL backend itself still computes correctly: a small Siamese network (src/model
 *   buildSiamese, same seeded weights) gives the same forward pass on webgl as on wasm, through
 *   the test-only harness page (e2e/harness/webgl-check.ts).
 *
 * With E2E_HW_GPU=1 (a real GPU) the first test is skipped: there the app rightly picks WebGL.
 */
import type { Page } from '@playwright/test';
import type { WebglReport } from './harness/webgl-check';
import { expect, test } from './fixtures';

const HARNESS = '/e2e/harness/index.html';

/** The WebGL renderer string the page sees (a throwaway context, as the app probes it). */
async function pageRenderer(page: Page): Promise<string | null> {
  return page.evaluate(() => {
    const gl = document.createElement('canvas').getContext('webgl2');
    if (!gl) return null;
    const info = gl.getExtension('WEBGL_debug_renderer_info');
    return String(gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
  });
}

test('with WebGL only as SwiftShader, the app picks WebAssembly and says why', async ({ page, app, consoleErrors }) => {
  test.skip(!!process.env.E2E_HW_GPU, 'E2E_HW_GPU=1: a real GPU, where WebGL is the right choice');
  await page.goto('/');
  // WebGL exists (so the choice is not for want of WebGL) and is SwiftShader.
  expect(await pageRenderer(page)).toMatch(/SwiftShader/);

  const backend = app.trainBackend;
  await expect(backend).toContainText('Backend: WebAssembly', { timeout: 60_000 });
  await expect(backend).toContainText('WebGL here is a software renderer (SwiftShader) and would be far slower');
  await expect(backend).toContainText('Training runs in a background worker, which picks its backend the same way');
  await expect(page.getByTestId('backend-badge')).toHaveText(/^wasm/);
  const report = await page.evaluate(() => window.__sfid!.backend());
  expect(report).toMatchObject({ backend: 'wasm', simd: true, renderer: expect.stringMatching(/SwiftShader/) });
  expect(consoleErrors.filter((e) => !e.includes('/favicon.ico'))).toEqual([]);
});

test('the WebGL backend runs a small Siamese forward pass like wasm', async ({ page, consoleErrors }) => {
  await page.goto(HARNESS);
  await page.waitForFunction(() => window.__harness !== undefined);
  const report: WebglReport | 'timeout' = await page.evaluate(() =>
    Promise.race([window.__harness!.webglCheck(), new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 90_000))]),
  );
  if (report === 'timeout') throw new Error('the WebGL check did not finish within 90 s');
  test.info().annotations.push({
    type: 'webgl',
    description: JSON.stringify({
      ...report,
      webgl: { ...report.webgl, embedding: undefined },
      wasm: { ...report.wasm, embedding: undefined },
    }),
  });

  if (!process.env.E2E_HW_GPU) expect(report.renderer).toMatch(/SwiftShader/);
  expect(report.webgl.backend).toBe('webgl');
  expect(report.wasm.backend).toBe('wasm');
  expect(report.webglVersion).toBe(2);
  // Not a degenerate network: the embeddings spread out and the scores are not all equal.
  expect(report.webgl.scores).toHaveLength(4);
  expect(Math.max(...report.wasm.embedding) - Math.min(...report.wasm.embedding)).toBeGreaterThan(0.1);
  expect(Math.max(...report.wasm.scores) - Math.min(...report.wasm.scores)).toBeGreaterThan(1e-3);
  // The same numbers, within float32 (or, where the GPU renders to float16, half-float) tolerance.
  const tolerance = report.float32 ? 1e-4 : 5e-3;
  expect(report.maxEmbeddingDiff).toBeLessThanOrEqual(tolerance);
  expect(report.maxScoreDiff).toBeLessThanOrEqual(tolerance);
  expect(report.webgl.leaked).toBe(0);
  expect(report.wasm.leaked).toBe(0);
  expect(consoleErrors).toEqual([]);
});
