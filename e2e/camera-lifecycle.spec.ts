/**
 * The camera's life in the app (issue #3, failure paths): it is released while the page is hidden
 * and starts again when the page is visible; a browser without getUserMedia (an insecure origin)
 * and a camera held by another program each give their own clear message, while import and the
 * galleries keep working. (Denied and missing cameras: capture.spec.ts.)
 *
 * Headless Chromium never hides a page: minimizing its window (CDP Browser.setWindowBounds) or
 * bringing another tab to the front leaves `document.visibilityState` 'visible' (checked on
 * Chromium 156). So the hidden page is emulated the way a browser signals it: the document's
 * visibilityState / hidden answer 'hidden' / true and a `visibilitychange` event is dispatched.
 */
import type { Page } from '@playwright/test';
import { CAPTURE_KINDS, expect, lfwPhotoFile, test, type AppPage } from './fixtures';

/** Emulates the page going to the background (hidden) or coming back (visible). */
async function setPageHidden(page: Page, hidden: boolean): Promise<void> {
  await page.evaluate((hidden) => {
    if (hidden) {
      Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });
      Object.defineProperty(document, 'hidden', { configurable: true, get: () => true });
    } else {
      // Back to the browser's own (prototype) getters, which say 'visible'.
      Reflect.deleteProperty(document, 'visibilityState');
      Reflect.deleteProperty(document, 'hidden');
    }
    document.dispatchEvent(new Event('visibilitychange'));
  }, hidden);
}

/** The states of the tracks of the stream playing in the preview, or null when none plays. */
function previewTracks(page: Page): Promise<string[] | null> {
  return page.evaluate(() => {
    const stream = document.querySelector('video')?.srcObject;
    return stream instanceof MediaStream ? stream.getTracks().map((t) => t.readyState) : null;
  });
}

/**
 * The camera failed with `code`: the message says so, capture is off and says why, and import
 * into the positive gallery still works and shows the image.
 */
async function expectUsableWithoutCamera(app: AppPage, code: string, says: string): Promise<void> {
  const { page } = app;
  await app.expectCameraError(code, says);
  expect(await previewTracks(page)).toBeNull();
  // A capture key explains instead of capturing.
  await page.keyboard.press('a');
  await expect(app.errorMessage).toContainText(says);

  await expect(await app.importFiles('positive', [lfwPhotoFile('Aaron_Peirsol')])).toContainText('Imported 1 image, skipped 0');
  await app.closeImport();
  await expect(app.count('positive')).toHaveText('1');
  await expect(app.count('anchor')).toHaveText('0');
  const img = (await app.openGallery('positive')).locator('img');
  await expect(img).toHaveCount(1);
  await expect.poll(() => img.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth > 0)).toBe(true);
  expect(await app.storedCounts()).toMatchObject({ anchor: 0, positive: 1, verification: 0 });
}

test('the camera is released while the page is hidden and starts again when it is visible', async ({ page, app, consoleErrors }) => {
  await app.open();
  const stage = page.getByTestId('camera-stage');
  await expect(stage).toHaveAttribute('data-phase', 'running');
  await app.cropMode.selectOption('fixed'); // captures below need no face detection
  // Keep hold of the stream playing now, to see its tracks stop.
  const first = await page.evaluateHandle(() => document.querySelector('video')!.srcObject as MediaStream);
  expect(await first.evaluate((s) => s.getTracks().map((t) => t.readyState))).toEqual(['live']);

  await setPageHidden(page, true);
  await expect(stage).toHaveAttribute('data-phase', 'paused');
  await expect(stage.getByText('Camera paused while the page is hidden.')).toBeVisible();
  // Released: every track of that stream ended (the device and its light are free), nothing plays.
  expect(await first.evaluate((s) => s.getTracks().map((t) => t.readyState))).toEqual(['ended']);
  expect(await previewTracks(page)).toBeNull();
  for (const kind of CAPTURE_KINDS) await expect(app.captureButton(kind)).toBeDisabled();
  expect(await page.evaluate(() => window.__sfid!.cameraReady())).toBe(false);
  // And it stays released while hidden (no restart behind the user's back).
  await page.waitForTimeout(1500);
  expect(await previewTracks(page)).toBeNull();
  await expect(stage).toHaveAttribute('data-phase', 'paused');
  await expect(app.cameraError).toHaveCount(0);

  await setPageHidden(page, false);
  await app.waitForCamera();
  await expect(stage).toHaveAttribute('data-phase', 'running');
  expect(await previewTracks(page)).toEqual(['live']);
  expect(await page.evaluate((old) => document.querySelector('video')!.srcObject !== old, first)).toBe(true); // a new stream
  // It captures again.
  await app.capture('anchor', 1);
  await expect(app.cameraError).toHaveCount(0);
  expect(consoleErrors.filter((e) => !e.includes('/favicon.ico'))).toEqual([]);
});

test('no getUserMedia (insecure origin): a clear message; import and the gallery still work', async ({ page, app }) => {
  // What a page served over plain http from another host sees: navigator.mediaDevices is absent.
  await page.addInitScript(() => {
    Reflect.deleteProperty(Navigator.prototype, 'mediaDevices');
  });
  await page.goto('/');
  expect(await page.evaluate(() => navigator.mediaDevices)).toBeUndefined();
  await expectUsableWithoutCamera(app, 'insecure-context', 'not served over HTTPS');
});

test('camera in use by another program: a clear message, import and the gallery still work, and retrying starts it once free', async ({
  page,
  app,
}) => {
  // getUserMedia rejects as Chromium does when another program holds the camera, until the test
  // "closes that program" (window.__e2eCameraBusy = false).
  await page.addInitScript(() => {
    const w = window as unknown as { __e2eCameraBusy: boolean };
    w.__e2eCameraBusy = true;
    const getUserMedia = MediaDevices.prototype.getUserMedia;
    MediaDevices.prototype.getUserMedia = function (constraints) {
      if (w.__e2eCameraBusy) return Promise.reject(new DOMException('Could not start video source', 'NotReadableError'));
      return getUserMedia.call(this, constraints);
    };
  });
  await page.goto('/');
  await expectUsableWithoutCamera(app, 'camera-in-use', 'another application or tab may be using it');

  // The other program lets go; "Try the camera again" starts it.
  await page.evaluate(() => ((window as unknown as { __e2eCameraBusy: boolean }).__e2eCameraBusy = false));
  await app.cameraError.getByRole('button', { name: 'Try the camera again' }).click();
  await app.waitForCamera();
  expect(await previewTracks(page)).toEqual(['live']);
});
