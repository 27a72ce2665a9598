/**
 * src/camera in the production build against Chromium's fake camera: start/stop, frame and square
 * grabs (compared pixel by pixel with the LFW photos the clip was made from), JPEG encoding, and
 * the CameraError codes for a denied permission and a missing camera. Also checks the launchApp
 * fixture: a relaunch with another clip over the same profile keeps IndexedDB. In the app: face mode
 * (the default) shows the face box and confidence and moves the square to the face; a clip without
 * a face shows neither.
 */
import type { CameraProbe } from './harness/harness';
import { CLIPS, decodePhoto, expect, meanAbsDiff, readClip, test, type ClipName } from './fixtures';
import type { Page } from '@playwright/test';

const HARNESS = '/e2e/harness/index.html';

async function probe(page: Page): Promise<CameraProbe> {
  if (!page.url().endsWith(HARNESS)) await page.goto(HARNESS);
  await page.waitForFunction(() => window.__harness !== undefined);
  return page.evaluate(() => window.__harness!.cameraProbe());
}

/** Distance from the grabbed square to the nearest photo of a clip. */
function nearestPhoto(rgba: Uint8Array, clip: ClipName): number {
  return Math.min(...readClip(clip).photos.map((f) => meanAbsDiff(rgba, decodePhoto(f).data)));
}

test('startCamera and the grabbers deliver the capture square of the clip', async ({ page, consoleErrors }) => {
  const r = await probe(page);
  if (!r.ok) throw new Error(`camera failed: ${r.code} ${r.message}`);
  expect([r.width, r.height]).toEqual([640, 480]);
  expect(r.frame).toEqual({ width: 640, height: 480 });
  expect(r.square).toEqual({ x: 195, y: 115, size: 250 });
  expect(r.small).toEqual({ width: 100, height: 100 });
  expect(r.blob).toMatchObject({ type: 'image/jpeg', width: 250, height: 250 });
  expect(r.blob.size).toBeGreaterThan(2_000);
  expect(r.tracksEndedAfterStop).toBe(true);

  // The square holds one of the enrolled person's photos (up to 4:2:0 chroma and rounding), and is
  // far from every photo of the impostor.
  const rgba = new Uint8Array(Buffer.from(r.squareRgba, 'base64'));
  expect(rgba.length).toBe(250 * 250 * 4);
  const own = nearestPhoto(rgba, 'enrolled');
  const other = nearestPhoto(rgba, 'impostor');
  test.info().annotations.push({
    type: 'pixels',
    description: `mean |Δ| to nearest ${CLIPS.enrolled.person} photo ${own.toFixed(2)}, to nearest ${CLIPS.impostor.person} photo ${other.toFixed(2)}`,
  });
  expect(own).toBeLessThan(6);
  expect(other).toBeGreaterThan(20);
  expect(consoleErrors).toEqual([]);
});

test('a denied permission gives CameraError permission-denied', async ({ launchApp }) => {
  const { page } = await launchApp({ camera: 'denied', profile: 'fresh', path: HARNESS });
  expect(await probe(page)).toMatchObject({ ok: false, code: 'permission-denied', errorName: 'NotAllowedError' });
});

test('no camera gives CameraError no-camera', async ({ launchApp }) => {
  const { page } = await launchApp({ camera: 'none', profile: 'fresh', path: HARNESS });
  expect(await probe(page)).toMatchObject({ ok: false, code: 'no-camera', errorName: 'NotFoundError' });
});

test('launchApp: a relaunch with the impostor clip keeps the profile’s IndexedDB', async ({ launchApp }) => {
  const put = (page: Page) =>
    page.evaluate(
      () =>
        new Promise<void>((resolve, reject) => {
          const open = indexedDB.open('e2e-fixture', 1);
          open.onupgradeneeded = () => open.result.createObjectStore('kv');
          open.onsuccess = () => {
            const tx = open.result.transaction('kv', 'readwrite');
            tx.objectStore('kv').put('kept', 'key');
            tx.oncomplete = () => (open.result.close(), resolve());
            tx.onerror = () => reject(tx.error);
          };
          open.onerror = () => reject(open.error);
        }),
    );
  const get = (page: Page) =>
    page.evaluate(
      () =>
        new Promise<unknown>((resolve, reject) => {
          const open = indexedDB.open('e2e-fixture', 1);
          open.onupgradeneeded = () => open.result.createObjectStore('kv');
          open.onsuccess = () => {
            const req = open.result.transaction('kv').objectStore('kv').get('key');
            req.onsuccess = () => (open.result.close(), resolve(req.result));
            req.onerror = () => reject(req.error);
          };
          open.onerror = () => reject(open.error);
        }),
    );

  const first = await launchApp({ camera: 'enrolled', path: HARNESS });
  await put(first.page);
  const seen = await probe(first.page);
  await first.close();

  const second = await launchApp({ camera: 'impostor', path: HARNESS });
  expect(await get(second.page)).toBe('kept');
  const now = await probe(second.page);
  if (!seen.ok || !now.ok) throw new Error('camera failed');
  const rgba = new Uint8Array(Buffer.from(now.squareRgba, 'base64'));
  expect(nearestPhoto(rgba, 'impostor')).toBeLessThan(6);
  expect(nearestPhoto(rgba, 'enrolled')).toBeGreaterThan(20);

  const fresh = await launchApp({ camera: 'impostor', profile: 'fresh', path: HARNESS });
  expect(await get(fresh.page)).toBeUndefined();
});

/** The capture square drawn over the preview (frame pixels) and its mode. */
async function shownSquare(page: Page): Promise<{ mode: string | null; x: number; y: number; size: number } | null> {
  const svg = page.getByTestId('capture-square');
  const rect = page.getByTestId('capture-square-rect');
  if ((await rect.count()) === 0) return null;
  const n = async (a: string) => Number(await rect.getAttribute(a));
  return { mode: await svg.getAttribute('data-mode'), x: await n('x'), y: await n('y'), size: await n('width') };
}

test('face mode (default): the preview shows the face box with its confidence, and the square follows the face', async ({
  page,
  app,
  consoleErrors,
}) => {
  await page.goto('/');
  await expect(app.cropMode).toHaveValue('face');
  await app.waitForCamera();
  await expect(page.getByTestId('face-box')).toHaveCount(1, { timeout: 30_000 });
  await expect(page.getByTestId('face-label')).toHaveText(/^face (0\.\d\d|1\.00)$/);
  const label = Number((await page.getByTestId('face-label').textContent())!.slice(5));
  expect(label).toBeGreaterThanOrEqual(0.5);
  await expect(page.getByTestId('face-hint')).toHaveCount(0); // one face: nothing to say

  // The square frames the face: each LFW photo lies at x 195, y 115, 250×250 in the clip's frame,
  // and the crop rule was measured to frame faces as LFW photos do. Sampled over the clip's photos.
  const squares: { x: number; y: number; size: number }[] = [];
  for (let i = 0; i < 6; i++) {
    const s = await shownSquare(page);
    expect(s?.mode).toBe('face');
    squares.push(s!);
    const info = await app.faceInfo();
    expect(info.mode).toBe('face');
    expect(info.frame?.found).toBe(1);
    await page.waitForTimeout(700);
  }
  test.info().annotations.push({ type: 'squares', description: squares.map((s) => `${s.x},${s.y},${s.size}`).join(' ') });
  for (const s of squares) {
    expect(Math.hypot(s.x + s.size / 2 - 320, s.y + s.size / 2 - 240)).toBeLessThanOrEqual(30);
    expect(s.size).toBeGreaterThanOrEqual(200);
    expect(s.size).toBeLessThanOrEqual(310);
  }
  // It follows the face: not the fixed square on every sample.
  expect(squares.some((s) => s.x !== 195 || s.y !== 115 || s.size !== 250)).toBe(true);
  expect(consoleErrors.filter((e) => !e.includes('/favicon.ico'))).toEqual([]);
});

test('no face in view: a hint over the preview, no face box and no square', async ({ launchApp }) => {
  const { page, app } = await launchApp({ camera: 'noface', profile: 'fresh' });
  await app.waitForCamera();
  await expect(page.getByTestId('face-hint')).toHaveAttribute('data-kind', 'no-face', { timeout: 30_000 });
  await expect(page.getByTestId('face-hint')).toContainText('No face found');
  // Over the clip's three plain backgrounds (one second each): never a face.
  for (let i = 0; i < 4; i++) {
    await expect(page.getByTestId('face-box')).toHaveCount(0);
    expect(await shownSquare(page)).toBeNull();
    expect((await app.faceInfo()).frame?.found).toBe(0);
    await page.waitForTimeout(800);
  }
});
