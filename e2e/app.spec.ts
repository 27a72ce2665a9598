/**
 * The production build loads cleanly, cross-origin isolated, and the fake camera delivers the
 * generated clip. Depends on nothing of the app's DOM but #root. Also checks two fixtures: the
 * privacy guard, and the page object's way to a training field behind a collapsed disclosure.
 */
import { chromium } from '@playwright/test';
import { chromiumLaunchOptions } from './fixtures/browser';
import { AppPage, createPrivacyGuard, expect, isLocalUrl, test } from './fixtures';

test('the production build loads, isolated, with no console errors', async ({ page, privacy, consoleErrors }) => {
  const res = await page.goto('/');
  expect(res?.status()).toBe(200);
  const headers = res!.headers();
  expect(headers['cross-origin-opener-policy']).toBe('same-origin');
  expect(headers['cross-origin-embedder-policy']).toBe('require-corp');
  await expect(page.locator('#root')).toBeAttached();
  await page.waitForLoadState('networkidle');
  expect(await page.evaluate(() => globalThis.crossOriginIsolated)).toBe(true);
  expect(await page.evaluate(() => typeof SharedArrayBuffer)).toBe('function');
  // The built bundle, not the dev server.
  expect(privacy.requests.some((u) => u.includes('/@vite/client'))).toBe(false);
  expect(privacy.requests.some((u) => /\/assets\/[\w-]+\.js$/.test(u))).toBe(true);
  expect(consoleErrors).toEqual([]);
});

test('the fake camera delivers the generated clip to getUserMedia', async ({ page }) => {
  await page.goto('/');
  const stats = await page.evaluate(async () => {
    const stream = await navigator.mediaDevices.getUserMedia({ video: { width: 640, height: 480 }, audio: false });
    const video = document.createElement('video');
    video.muted = true;
    video.srcObject = stream;
    await video.play();
    await new Promise<void>((r) => video.requestVideoFrameCallback(() => r()));
    const { videoWidth: w, videoHeight: h } = video;
    const canvas = document.createElement('canvas');
    canvas.width = w;
    canvas.height = h;
    const ctx = canvas.getContext('2d', { willReadFrequently: true })!;
    ctx.drawImage(video, 0, 0);
    const { data } = ctx.getImageData(0, 0, w, h);
    stream.getTracks().forEach((t) => t.stop());
    const mean = [0, 0, 0];
    let sumY = 0;
    let sumY2 = 0;
    for (let p = 0; p < data.length; p += 4) {
      for (let c = 0; c < 3; c++) mean[c]! += data[p + c]!;
      const y = (data[p]! + data[p + 1]! + data[p + 2]!) / 3;
      sumY += y;
      sumY2 += y * y;
    }
    const n = w * h;
    const corner = Array.from(ctx.getImageData(10, 10, 1, 1).data.slice(0, 3));
    return {
      w,
      h,
      mean: mean.map((m) => m / n),
      std: Math.sqrt(sumY2 / n - (sumY / n) ** 2),
      corner,
      label: stream.getVideoTracks()[0]?.label ?? '',
    };
  });
  expect([stats.w, stats.h]).toEqual([640, 480]);
  // Not uniform, and not Chromium's built-in green test pattern: the clip's grey background.
  expect(stats.std).toBeGreaterThan(15);
  for (const c of stats.corner) expect(Math.abs(c - 128)).toBeLessThanOrEqual(4);
  const [r, g, b] = stats.mean as [number, number, number];
  expect(g - Math.max(r, b)).toBeLessThan(10);
});

test('the privacy guard flags a request that leaves the origin', async ({ baseURL }) => {
  const appOrigin = new URL(baseURL!).origin;
  expect(isLocalUrl(`${appOrigin}/assets/x.js`, appOrigin)).toBe(true);
  expect(isLocalUrl(`blob:${appOrigin}/5d1e6c1a-0000-4000-8000-000000000000`, appOrigin)).toBe(true);
  expect(isLocalUrl('data:image/png;base64,AAAA', appOrigin)).toBe(true);
  expect(isLocalUrl('http://127.0.0.1:9/x', appOrigin)).toBe(false);
  expect(isLocalUrl('blob:https://example.com/5d1e6c1a-0000-4000-8000-000000000000', appOrigin)).toBe(false);

  // A separate browser and guard, so this deliberate leak does not fail the test's own guard.
  const browser = await chromium.launch(chromiumLaunchOptions('none'));
  try {
    const context = await browser.newContext({ baseURL, bypassCSP: true });
    const guard = createPrivacyGuard(appOrigin, []);
    guard.watch(context);
    const page = await context.newPage();
    await page.goto('/');
    // Port 9 on loopback: refused at once, nothing leaves the machine.
    await page.evaluate(() => fetch('http://127.0.0.1:9/leak', { mode: 'no-cors' }).catch(() => undefined));
    expect(guard.violations).toEqual(['http://127.0.0.1:9/leak']);
  } finally {
    await browser.close();
  }
});

test('the page object opens a collapsed disclosure before changing a training field, and reads fields inside it', async ({ page }) => {
  // A stand-in page: fields outside any disclosure, and behind two nested closed <details>.
  await page.setContent(`<input name="epochs" value="5">
    <details id="outer"><summary>Advanced</summary>
      <input name="batchSize" value="8">
      <label><input type="radio" name="start" value="pretrained" checked>pretrained</label>
      <label><input type="radio" name="start" value="scratch">scratch</label>
      <details id="inner"><summary>More</summary>
        <select name="freeze"><option value="none">none</option><option value="convs">convs</option></select>
      </details>
    </details>`);
  const app = new AppPage(page);
  const isOpen = (id: string) => page.locator(`#${id}`).evaluate((d: HTMLDetailsElement) => d.open);
  expect(await app.settingValues(['epochs', 'batchSize'])).toEqual({ epochs: '5', batchSize: '8' });
  await app.setSettings({ epochs: '3' });
  expect(await isOpen('outer')).toBe(false); // nothing to open
  await app.setSettings({ batchSize: '4' });
  expect(await isOpen('outer')).toBe(true);
  expect(await isOpen('inner')).toBe(false);
  await app.setTrainingOptions({ start: 'scratch', freeze: 'convs' });
  expect(await isOpen('inner')).toBe(true);
  await expect(app.trainingField('start', 'scratch')).toBeChecked();
  await expect(app.trainingField('freeze')).toHaveValue('convs');
});
