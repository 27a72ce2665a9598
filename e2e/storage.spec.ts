/**
 * Storage in the browser (issue #3): the header shows storage use and quota
 * (navigator.storage.estimate); persistent storage (navigator.storage.persist) is asked for once,
 * when the user has samples of their own; gallery thumbnails load lazily (a kind can hold
 * thousands); a capture that does not fit (storage full) is reported by name, stores nothing, does
 * not flash, and leaves the samples stored before intact.
 */
import type { Page } from '@playwright/test';
import { formatBytes } from '../src/common';
import { expect, test, type AppPage } from './fixtures';

/** The camera runs and captures take the fixed square (no face detection needed). */
async function readyToCapture(app: AppPage): Promise<void> {
  await app.waitForCamera();
  await app.setCropMode('fixed');
}

const UNIT = { B: 1, KB: 1024, MB: 1024 ** 2, GB: 1024 ** 3, TB: 1024 ** 4 } as const;

/** The storage indicator's text, "Storage<use> / <quota> (<share>)", taken apart. */
function parseStorageInfo(text: string | null): { usage: number; quota: string; share: string } | null {
  const m = /^Storage(\d+(?:\.\d)?) (B|KB|MB|GB|TB) \/ (\d+(?:\.\d)? (?:B|KB|MB|GB|TB)) \((<1%|\d+%)\)/.exec(text ?? '');
  return m ? { usage: Number(m[1]) * UNIT[m[2] as keyof typeof UNIT], quota: m[3]!, share: m[4]! } : null;
}

interface PersistSpy {
  __e2ePersistCalls: number;
}

test('storage use and quota are shown; persistent storage is asked for once, after the first sample of the user’s own', async ({
  page,
  app,
}) => {
  // Count the calls of navigator.storage.persist (the browser's answer is passed through).
  await page.addInitScript(() => {
    const w = window as unknown as PersistSpy;
    w.__e2ePersistCalls = 0;
    const persist = StorageManager.prototype.persist;
    StorageManager.prototype.persist = function () {
      w.__e2ePersistCalls++;
      return persist.call(this);
    };
  });
  const persistCalls = () => page.evaluate(() => (window as unknown as PersistSpy).__e2ePersistCalls);

  await page.goto('/');
  // A fresh profile whose storage is not persistent yet (otherwise there is nothing to ask).
  expect(await page.evaluate(() => navigator.storage.persisted())).toBe(false);
  const info = page.getByTestId('storage-info');
  await expect(info).toBeVisible({ timeout: 30_000 });
  await expect(info).toHaveAttribute('title', /not persistent/);

  // The bundled negatives alone are not the user's samples: nothing is asked.
  await app.waitForNegatives();
  await readyToCapture(app);
  await page.waitForTimeout(1000);
  expect(await persistCalls()).toBe(0);

  // Use and quota as the browser estimates them; storing the 1,200 bundled images shows in the use
  // (the indicator re-reads at most every 2 s).
  const quota = formatBytes((await page.evaluate(() => navigator.storage.estimate())).quota!);
  await expect.poll(async () => parseStorageInfo(await info.textContent())?.quota, { timeout: 15_000 }).toBe(quota);
  await expect
    .poll(async () => parseStorageInfo(await info.textContent())?.usage ?? 0, { timeout: 15_000 })
    .toBeGreaterThanOrEqual(5 * UNIT.MB);

  // The first capture: asked once.
  await app.capture('anchor', 1);
  await expect.poll(persistCalls).toBe(1);
  // More samples: not asked again.
  await app.capture('positive', 1);
  await app.capture('verification', 1);
  await page.waitForTimeout(1000);
  expect(await persistCalls()).toBe(1);

  // Nor after a reload (the app remembers that it asked).
  await page.reload();
  await expect(app.count('anchor')).toHaveText('1', { timeout: 30_000 });
  await app.waitForCamera();
  await expect(info).toBeVisible();
  await page.waitForTimeout(1500);
  expect(await persistCalls()).toBe(0);
});

test('gallery thumbnails load lazily: tiles far below the fold have no image until scrolled near', async ({ page, app }) => {
  await page.goto('/');
  await app.waitForNegatives();
  const thumbs = await app.openGallery('negative');
  await expect(thumbs).toHaveCount(60);
  // A second page of tiles, without scrolling (a click would scroll the button into view).
  await page
    .getByTestId('gallery-negative')
    .getByRole('button', { name: /Show more/ })
    .dispatchEvent('click');
  await expect(thumbs).toHaveCount(120);
  expect(await page.evaluate(() => scrollY)).toBe(0);

  // The tiles in view load their image (the pack's 100×100 JPEGs)...
  await expect
    .poll(() =>
      thumbs
        .first()
        .locator('img')
        .evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth === 100),
    )
    .toBe(true);
  await page.waitForTimeout(1000); // time for any load that was going to start
  const fold = await page.evaluate(() => innerHeight);
  const tiles = await thumbs.evaluateAll((els) =>
    els.map((e) => ({ top: e.getBoundingClientRect().top, img: e.querySelector('img') !== null })),
  );
  const inView = tiles.filter((t) => t.top < fold);
  expect(inView.length).toBeGreaterThan(0);
  expect(inView.filter((t) => !t.img)).toEqual([]);
  // ...and the tiles far below the fold (beyond the 300 px look-ahead) have none.
  const farIndex = tiles.flatMap((t, i) => (t.top > fold + 400 ? [i] : []));
  test.info().annotations.push({
    type: 'tiles',
    description: `${inView.length} in view, ${farIndex.length} far below the fold, of ${tiles.length}`,
  });
  expect(farIndex.length).toBeGreaterThanOrEqual(60);
  expect(farIndex.filter((i) => tiles[i]!.img)).toEqual([]);

  // Scrolled into view, a far tile loads its image.
  const far = thumbs.nth(farIndex.at(-10)!);
  await expect(far.locator('img')).toHaveCount(0);
  await far.scrollIntoViewIfNeeded();
  await expect(far.locator('img')).toHaveCount(1);
  await expect.poll(() => far.locator('img').evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth === 100)).toBe(true);
});

interface DiskSpy {
  __e2eStorageFull: boolean;
  __e2eRefusedWrites: number;
}

/** Keys of the samples database: blobs (`b/…`) and records (`r/<kind>/…`), read in one transaction. */
function sampleKeys(page: Page): Promise<{ blobs: number; records: number; anchors: number }> {
  return page.evaluate(
    () =>
      new Promise((resolve, reject) => {
        const open = indexedDB.open('siamese-face-id-samples');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const store = db.transaction('samples').objectStore('samples');
          const range = (p: string) => IDBKeyRange.bound(p, `${p}\uffff`);
          const counts = ['b/', 'r/', 'r/anchor/'].map((p) => store.count(range(p)));
          store.transaction.oncomplete = () => {
            db.close();
            resolve({ blobs: counts[0]!.result, records: counts[1]!.result, anchors: counts[2]!.result });
          };
          store.transaction.onerror = () => reject(store.transaction.error);
        };
      }),
  );
}

test('storage full during a capture: the sample is named, nothing is stored, no flash; held keys stop; the next capture is stored', async ({
  page,
  app,
}) => {
  // A full disk for anchor captures while window.__e2eStorageFull is set: the write transaction
  // aborts with a QuotaExceededError, as Chromium's does when the origin's quota is used up (its
  // writes are issued, then rolled back by IndexedDB). Headless Chromium ignores CDP quota
  // overrides (Storage.overrideQuotaForOrigin), hence this.
  await page.addInitScript(() => {
    const w = window as unknown as DiskSpy;
    w.__e2eStorageFull = false;
    w.__e2eRefusedWrites = 0;
    const put = IDBObjectStore.prototype.put;
    IDBObjectStore.prototype.put = function (value, key) {
      const request = put.call(this, value, key);
      if (w.__e2eStorageFull && typeof key === 'string' && key.startsWith('r/anchor/')) {
        w.__e2eRefusedWrites++;
        const tx = this.transaction;
        Object.defineProperty(tx, 'error', {
          configurable: true,
          value: new DOMException('The quota has been exceeded.', 'QuotaExceededError'),
        });
        queueMicrotask(() => tx.abort());
      }
      return request;
    };
  });
  const setFull = (full: boolean) => page.evaluate((full) => ((window as unknown as DiskSpy).__e2eStorageFull = full), full);
  const refusedWrites = () => page.evaluate(() => (window as unknown as DiskSpy).__e2eRefusedWrites);
  const flash = page.getByTestId('capture-flash');

  await page.goto('/');
  await readyToCapture(app);
  await expect(flash).toHaveCount(0);
  await app.capture('anchor', 1);
  await expect(flash).toHaveAttribute('data-seq', '1');
  await expect(flash).toHaveAttribute('data-kind', 'anchor');
  const before = await app.lastCapture();

  // The disk is full: a clear message naming the sample that did not fit, and nothing else changes.
  await setFull(true);
  await page.keyboard.press('a');
  const error = app.errorMessage;
  await expect(error).toHaveText(
    /^Storage is full: could not save a webcam anchor sample\. Samples saved before are kept; delete some samples or free disk space\./,
  );
  expect(await refusedWrites()).toBe(1);
  await expect(flash).toHaveAttribute('data-seq', '1'); // no flash for a capture that was not stored
  expect(await app.lastCapture()).toEqual(before);
  await expect(app.count('anchor')).toHaveText('1');
  expect((await app.storedCounts()).anchor).toBe(1);
  // Nothing half-written: every record has its blob, the stored anchor still shows.
  const keys = await sampleKeys(page);
  expect(keys.anchors).toBe(1);
  expect(keys.blobs).toBe(keys.records);
  const img = (await app.openGallery('anchor')).locator('img');
  await expect(img).toHaveCount(1);
  await expect.poll(() => img.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth === 250)).toBe(true);

  // Holding the key while full: the first failure stops the repeat (about 5 tries otherwise).
  await page.keyboard.down('a');
  await page.waitForTimeout(1200);
  await page.keyboard.up('a');
  await page.waitForTimeout(500);
  expect(await refusedWrites()).toBe(2);
  await expect(error).toHaveCount(1); // the same message is not stacked
  await expect(app.count('anchor')).toHaveText('1');

  // Space again: the next capture is stored and flashes.
  await setFull(false);
  await app.capture('anchor', 1);
  await expect(flash).toHaveAttribute('data-seq', '2');
  expect((await sampleKeys(page)).anchors).toBe(2);
});
