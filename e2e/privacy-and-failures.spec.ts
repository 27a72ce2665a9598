/**
 * Around the journey (e2e/journey.spec.ts): what must hold when things go wrong, and the privacy
 * promise beyond the fixture's request guard.
 *
 * - Bad input: an import with a non-image file and a truncated JPEG skips and reports them, and
 *   nothing else changes (the other kinds' counts, the stored samples, the settings). The dropped
 *   .tgz case is in capture.spec.ts; here it is the file picker and the "nothing else" part.
 * - Camera denied for a returning user: a clear message, the stored samples are still listed and
 *   shown in the galleries, and import and delete still work. (capture.spec.ts covers a denied
 *   camera on a fresh profile.)
 * - Privacy: the app's Content-Security-Policy itself refuses requests to another origin, so even
 *   a script that tried could not send an image away (the fixture's guard checks what the app
 *   does; this checks what it could do).
 *
 * Persistence after a reload (samples, settings, the trained model, verification without
 * retraining) is part of the journey, which relaunches the browser over the same profile.
 */
import { encode } from 'jpeg-js';
import { expect, lfwPhotoFile, test, type Counts, type FileUpload } from './fixtures';

/** The bad files: a text file, and a JPEG cut off after its first third (decoding fails). */
function badFiles(): FileUpload[] {
  const jpeg = lfwPhotoFile('Abdullah_Gul');
  return [
    { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('not an image\n') },
    { name: 'cut-off.jpg', mimeType: 'image/jpeg', buffer: jpeg.buffer.subarray(0, Math.floor(jpeg.buffer.length / 3)) },
  ];
}

/** A valid JPEG with no face in it: a plain grey 320×240 picture. */
function blankPhoto(): FileUpload {
  const data = Buffer.alloc(320 * 240 * 4, 150);
  return { name: 'blank-wall.jpg', mimeType: 'image/jpeg', buffer: Buffer.from(encode({ data, width: 320, height: 240 }, 90).data) };
}

test('an import with a non-image file and a truncated JPEG skips and reports both, and nothing else changes', async ({
  page,
  app,
  consoleErrors,
}) => {
  await app.open();
  const negatives = await app.waitForNegatives();
  await app.captureSpread({ anchor: 3, positive: 2, verification: 1 }, 100);
  await app.setSettings({ epochs: '7', samplesPerClass: '40' });
  const before: Counts = { anchor: 3, positive: 2, verification: 1, negative: negatives };
  expect(await app.storedCounts()).toEqual(before);

  // One good photo and the two bad files, into the anchors, through the file picker (the people of
  // these photos are in neither camera clip).
  const summary = await app.importFiles('anchor', [lfwPhotoFile('Aaron_Peirsol'), ...badFiles()]);
  await expect(summary).toContainText('Imported 1 image, skipped 2.');
  await expect(summary.locator('li')).toHaveCount(2);
  await expect(summary.locator('li').filter({ hasText: 'notes.txt' })).toHaveCount(1);
  await expect(summary.locator('li').filter({ hasText: 'cut-off.jpg' })).toHaveCount(1);
  await app.closeImport();

  const after = { ...before, anchor: before.anchor + 1 };
  await expect(app.count('anchor')).toHaveText(String(after.anchor));
  expect(await app.shownCounts()).toEqual(after);
  expect(await app.storedCounts()).toEqual(after);
  await expect(await app.openGallery('anchor')).toHaveCount(after.anchor);

  // Only bad files, into the positives: nothing at all is added.
  await app.importFiles('positive', badFiles());
  await expect(summary).toContainText('Imported 0 images, skipped 2.');
  await expect(summary).toContainText('Nothing was added.');
  await app.closeImport();
  expect(await app.shownCounts()).toEqual(after);
  expect(await app.storedCounts()).toEqual(after);

  // Face crop mode (the default): a picture with no face is skipped and counted as such.
  await app.openImport();
  await expect(page.getByTestId('import-note')).toHaveAttribute('data-crop-mode', 'face');
  await app.importFiles('positive', [blankPhoto(), lfwPhotoFile('Aaron_Peirsol', 1)]);
  await expect(summary).toContainText('Imported 1 image, skipped 1 with no face.');
  await expect(summary.locator('li').filter({ hasText: 'blank-wall.jpg' })).toContainText('no face');
  await app.closeImport();
  after.positive += 1;
  await expect(app.count('positive')).toHaveText(String(after.positive));
  expect(await app.storedCounts()).toEqual(after);

  // The rest of the app is as it was: settings, no trained model (the pretrained one is in use),
  // the camera still running.
  expect(await app.settingValues(['epochs', 'samplesPerClass'])).toEqual({ epochs: '7', samplesPerClass: '40' });
  await expect(app.modelStatus).toHaveAttribute('data-kind', 'pretrained', { timeout: 60_000 });
  await expect(app.verdict).not.toHaveText('NO MODEL');
  await expect(app.captureButton('anchor')).toBeEnabled();
  await expect(page.getByTestId('import-error')).toHaveCount(0);
  expect(consoleErrors.filter((e) => !e.includes('/favicon.ico'))).toEqual([]);
});

test('camera denied for a returning user: a clear message, the galleries still show the samples, import and delete work', async ({
  launchApp,
}) => {
  const first = await launchApp({ camera: 'enrolled', path: null });
  await first.app.open();
  await first.app.captureSpread({ anchor: 3 }, 300);
  await first.close();

  const { app } = await launchApp({ camera: 'denied' });
  await app.expectCameraError('permission-denied');

  // The samples captured before are listed and their images show.
  await expect(app.count('anchor')).toHaveText('3');
  const thumbs = await app.openGallery('anchor');
  await expect(thumbs).toHaveCount(3);
  await expect(thumbs.locator('img')).toHaveCount(3);
  for (const img of await thumbs.locator('img').all()) {
    // A square around the face at capture resolution (the face crop's side follows the face size).
    await expect
      .poll(() => img.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth > 150 && el.naturalWidth === el.naturalHeight))
      .toBe(true);
  }

  // Import still works, into a gallery that shows it; delete still works.
  await expect(await app.importFiles('positive', [lfwPhotoFile('Aaron_Peirsol', 1)])).toContainText('Imported 1 image, skipped 0.');
  await app.closeImport();
  await expect(await app.openGallery('positive')).toHaveCount(1);
  await app.openGallery('anchor');
  await app.deleteThumb(thumbs.first());
  await expect(app.count('anchor')).toHaveText('2');
  expect(await app.storedCounts()).toMatchObject({ anchor: 2, positive: 1, verification: 0 });
});

test('the app’s Content-Security-Policy refuses requests to other origins', async ({ browser, baseURL }) => {
  // A context of its own, outside the fixture's privacy guard: it makes the attempts on purpose,
  // and the browser still reports a refused image as a request (that failed).
  const context = await browser.newContext({ baseURL });
  const page = await context.newPage();
  const outside = (url: string) => new URL(url).origin !== new URL(baseURL!).origin;
  const finished: string[] = [];
  const failed: string[] = [];
  context.on('requestfinished', (r) => outside(r.url()) && finished.push(r.url()));
  context.on('requestfailed', (r) => outside(r.url()) && failed.push(`${r.url()} ${r.failure()?.errorText ?? ''}`));
  try {
    await page.goto('/');
    await page.waitForFunction(() => window.__sfid !== undefined);
    // What a script in the page (the app's own, or an injected one) could try: fetch, an image, a
    // WebSocket. Port 9 on loopback: nothing would leave the machine even if it were allowed.
    const outcome = await page.evaluate(async () => {
      const violations: string[] = [];
      document.addEventListener('securitypolicyviolation', (e) => violations.push(`${e.violatedDirective} ${e.blockedURI}`));
      const fetched = await fetch('http://127.0.0.1:9/leak', { method: 'POST', body: 'face', mode: 'no-cors' }).then(
        () => 'sent',
        () => 'refused',
      );
      const img = await new Promise<string>((resolve) => {
        const i = new Image();
        i.onload = () => resolve('loaded');
        i.onerror = () => resolve('refused');
        i.src = 'http://127.0.0.1:9/pixel.png';
      });
      const socket = await new Promise<string>((resolve) => {
        try {
          const ws = new WebSocket('ws://127.0.0.1:9/');
          ws.onopen = () => resolve('open');
          ws.onerror = () => resolve('refused');
        } catch {
          resolve('refused');
        }
      });
      await new Promise((r) => setTimeout(r, 200)); // violation events are queued
      return { fetched, img, socket, violations };
    });
    expect(outcome).toMatchObject({ fetched: 'refused', img: 'refused', socket: 'refused' });
    // Refused by the policy before any network: reported as CSP violations, and no request to
    // another origin completed.
    expect(outcome.violations).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^connect-src http:\/\/127\.0\.0\.1:9\/leak/),
        expect.stringMatching(/^img-src http:\/\/127\.0\.0\.1:9\/pixel\.png/),
        expect.stringMatching(/^connect-src ws:\/\/127\.0\.0\.1:9/),
      ]),
    );
    expect(finished).toEqual([]);
    expect(failed.length).toBeGreaterThanOrEqual(1); // the image, blocked by the browser
    for (const f of failed) expect(f).toMatch(/csp/i);
  } finally {
    await context.close();
  }
});
