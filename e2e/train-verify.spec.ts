/**
 * Train and verify in the page, with the fake camera ("enrolled" clip) and a tiny training budget
 * (8 samples per class, batch 4, 2 epochs: 3 steps per epoch of the full reference model):
 * Train (in the worker) → progress and charts move → Stop → reload → Resume (the epoch count and
 * charts continue) → final metrics → the live overlay gives a verdict with its details, without
 * leaking tensors → Verify now shows one score per verification image → the threshold sliders apply
 * at once → export the model as files (the metadata holds the thresholds) and import them back → a
 * bad file gives a clear error and the model stays → after a reload, verification starts by itself
 * with the stored model and the last thresholds → deleting it goes back to the pretrained model.
 *
 * Before any training the app verifies with the bundled pretrained face model, whose weights are
 * fetched once and then come from IndexedDB (the page's and the training worker's loads alike).
 */
import { readFileSync, statSync } from 'node:fs';
import type { BrowserContext, Page } from '@playwright/test';
import { DEFAULT_TRAINING_CONFIG } from '../src/config';
import { expect, test } from './fixtures';
import { openTrainingAdvanced } from './fixtures/journey';

const DEFAULT_FREEZE = DEFAULT_TRAINING_CONFIG.freeze;

const BUDGET = { epochs: '2', batchSize: '4', samplesPerClass: '8' } as const;
const TRAIN_TIMEOUT = 150_000;

async function capture(page: Page, key: string, kind: string, n: number): Promise<void> {
  for (let i = 0; i < n; i++) await page.keyboard.press(key);
  await expect(page.getByTestId(`count-${kind}`)).toHaveText(String(n));
}

/** Captures the e2e samples, waits for the bundled negatives, and sets the small training budget. */
async function prepare(page: Page, budget: Record<string, string>): Promise<void> {
  await capture(page, 'a', 'anchor', 8);
  await capture(page, 'p', 'positive', 8);
  await capture(page, 'v', 'verification', 2);
  await expect.poll(async () => Number(await page.getByTestId('count-negative').textContent()), { timeout: 60_000 }).toBeGreaterThanOrEqual(8);
  await openTrainingAdvanced(page);
  for (const [name, value] of Object.entries(budget)) await page.locator(`input[name="${name}"]`).fill(value);
}

async function progressValue(page: Page): Promise<number> {
  return Number(await page.getByTestId('train-progress').locator('progress').getAttribute('value'));
}

async function chartEpochs(page: Page): Promise<number> {
  return Number(await page.getByTestId('train-chart').getAttribute('data-epochs'));
}

/** Counts the requests for the pretrained model's weight shards (page and workers). */
function countWeightRequests(context: BrowserContext): { count: number } {
  const counter = { count: 0 };
  context.on('request', (req) => {
    if (/\/models\/pretrained\/[^/]+\.bin$/.test(new URL(req.url()).pathname)) counter.count++;
  });
  return counter;
}

const PRETRAINED_TITLE = 'Pretrained face model — works now, gets better after Train';
const DECIDED = /^ACCESS (GRANTED|DENIED)$/;

test('train, stop, reload, resume, verify live, export and import the model', async ({ page, context, consoleErrors }, testInfo) => {
  // A safety net, not a speed check: on a 2-core machine the whole test took 5.2 min (the old
  // 5-min limit stopped it at its last step), 4.5 min on retry, and 6.0 min in the next CI run.
  test.setTimeout(480_000);
  const weights = countWeightRequests(context);
  const appCsp = (await page.goto('/'))?.headers()['content-security-policy'];
  expect(appCsp, 'the server sends the CSP as a header').toBeTruthy();
  await expect(page.getByTestId('capture-anchor')).toBeEnabled({ timeout: 30_000 });
  // Before any training: the pretrained model is the current model.
  await expect(page.getByTestId('model-status')).toHaveAttribute('data-kind', 'pretrained', { timeout: 60_000 });
  await expect(page.getByTestId('train-model')).toContainText(PRETRAINED_TITLE);

  // A few samples of the person in front of the camera; the bundled negatives arrive by themselves.
  // The default sample count needs more data: the readiness check says what is missing.
  await prepare(page, {});
  // The app's defaults: fine-tune the pretrained model, 5 epochs, augmented, the default frozen layers.
  await expect(page.locator('input[name="start"][value="pretrained"]')).toBeChecked();
  await expect(page.locator('input[name="epochs"]')).toHaveValue('5');
  await expect(page.locator('input[name="augment"]')).toBeChecked();
  await expect(page.locator('select[name="freeze"]')).toHaveValue(DEFAULT_FREEZE);
  await expect(page.locator('input[name="calibrate"]')).toBeChecked();
  // From scratch is the reference recipe: 50 epochs, no augmentation, no calibration, every layer
  // trained, and a warning that it needs far more data; back to fine-tuning: the app's defaults.
  await page.locator('input[name="start"][value="scratch"]').check();
  await expect(page.locator('input[name="epochs"]')).toHaveValue('50');
  await expect(page.locator('input[name="augment"]')).not.toBeChecked();
  await expect(page.locator('input[name="calibrate"]')).not.toBeChecked();
  await expect(page.locator('select[name="freeze"]')).toHaveValue('none');
  await expect(page.getByTestId('train-start-note')).toContainText('needs many more captures and epochs');
  await page.locator('input[name="start"][value="pretrained"]').check();
  await expect(page.locator('input[name="epochs"]')).toHaveValue('5');
  await expect(page.locator('input[name="augment"]')).toBeChecked();
  await expect(page.locator('input[name="calibrate"]')).toBeChecked();
  await expect(page.locator('select[name="freeze"]')).toHaveValue(DEFAULT_FREEZE);
  await expect(page.getByTestId('train-start-note')).toHaveCount(0);
  await expect(page.getByTestId('train-readiness')).toContainText('more anchors');
  await expect(page.getByTestId('train-start')).toBeDisabled();
  // A bad value shows its error next to the field.
  await page.locator('input[name="learningRate"]').fill('0');
  await expect(page.getByRole('alert').filter({ hasText: 'learningRate = 0' })).toBeVisible();
  await page.locator('input[name="learningRate"]').fill('0.0001');
  for (const [name, value] of Object.entries(BUDGET)) await page.locator(`input[name="${name}"]`).fill(value);
  await expect(page.getByTestId('train-readiness')).toContainText('8 samples per class give 11 training pairs and 5 test pairs');
  await expect(page.getByTestId('train-backend')).toContainText(/WebAssembly|WebGL/);
  // The freeze option is remembered with the other settings (checked across the reload below).
  await page.locator('select[name="freeze"]').selectOption('convs');

  // Train: the progress bar moves and the charts get the first epoch.
  const workerScript = page.waitForResponse((r) => /\/assets\/worker-[\w-]+\.js$/.test(r.url()));
  await page.getByTestId('train-start').click();
  await expect(page.getByTestId('train-progress')).toBeVisible({ timeout: 60_000 });
  await expect.poll(() => progressValue(page), { timeout: TRAIN_TIMEOUT }).toBeGreaterThanOrEqual(1);
  // It trains in the background worker, whose script came with the app's CSP as a header (a <meta>
  // policy does not reach workers; e2e/privacy-worker.spec.ts).
  await expect(page.getByTestId('train-backend')).toHaveAttribute('data-where', 'worker');
  expect((await workerScript).headers()['content-security-policy']).toBe(appCsp);
  await expect(page.getByTestId('train-status')).toContainText(/Epoch 1 of 2, batch \d of 3/);
  await expect.poll(() => chartEpochs(page), { timeout: TRAIN_TIMEOUT }).toBe(1);
  await expect(page.getByTestId('train-chart').locator('svg')).toHaveCount(2);

  // Stop: a checkpoint is written; after a reload the page offers to resume from it.
  await page.getByTestId('train-stop').click();
  await expect(page.getByTestId('train-resume')).toBeVisible({ timeout: TRAIN_TIMEOUT });
  await page.reload();
  await expect(page.locator('input[name="epochs"]')).toHaveValue('2'); // settings remembered
  await expect(page.locator('select[name="freeze"]')).toHaveValue('convs');
  await expect(page.locator('input[name="augment"]')).toBeChecked();
  await expect(page.getByTestId('train-resume')).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId('train-resume')).toHaveText(/Resume from epoch [12]/);
  const epochsBefore = await chartEpochs(page);
  expect(epochsBefore).toBeGreaterThanOrEqual(1); // the checkpoint's history is charted

  // Resume and finish: the charts continue and the final metrics are stated.
  await page.getByTestId('train-resume').click();
  await expect(page.getByTestId('train-final')).toBeVisible({ timeout: TRAIN_TIMEOUT });
  await expect(page.getByTestId('train-final')).toContainText(/Training finished after epoch 2: test precision \d+\.\d%, test recall \d+\.\d%/);
  await expect(page.getByTestId('train-final')).toContainText('same captures');
  // Calibrated after training on bundled negatives no pair used (8 per class are in pairs).
  await expect(page.getByTestId('train-calibration')).toHaveAttribute('data-kind', 'calibrated');
  const calibrated = /^Calibrated on 200 faces that training did not use: a score above 0\.5 now accepts (\d+\.\d)% of their \d+ comparisons with your anchors \(\d+\.\d% as trained; target (\d+\.\d)%\)\.$/.exec(
    (await page.getByTestId('train-calibration').textContent()) ?? '',
  );
  expect(calibrated, 'the calibration line').not.toBeNull();
  expect(Number(calibrated![1])).toBeLessThanOrEqual(Number(calibrated![2]));
  expect(await chartEpochs(page)).toBe(2);
  await expect(page.getByTestId('train-resume')).toHaveCount(0); // the spent checkpoint is not offered again
  await expect(page.getByTestId('model-status')).toHaveAttribute('data-kind', 'fine-tuned', { timeout: 90_000 });
  await expect(page.getByTestId('model-status')).toContainText('Fine-tuned on you');

  // Live verification on the camera: a verdict with its details.
  const verdict = page.getByTestId('verdict');
  await expect(verdict).toHaveText(/^ACCESS (GRANTED|DENIED)$/, { timeout: 90_000 });
  await expect(page.getByTestId('verdict-details')).toHaveText(/^detection [0-2] of 2 above 0\.5 · verification \d\.\d\d · \d+ ms$/);
  // No tensor leak per frame: the count stays flat over several frames (one frame may be in flight).
  const counts: number[] = [];
  for (let i = 0; i < 5; i++) {
    counts.push(await page.evaluate(() => window.__sfid!.numTensors()));
    await page.waitForTimeout(1000);
  }
  testInfo.annotations.push({ type: 'numTensors', description: counts.join(', ') });
  expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(8);

  // Verify now: one verification of the current frame, with one score per verification image.
  await expect(page.getByTestId('verify-now')).toBeEnabled({ timeout: 60_000 });
  await page.getByTestId('verify-now').click();
  const now = page.getByTestId('verify-now-result');
  await expect(now).toContainText(/ACCESS (GRANTED|DENIED): detection [0-2] of 2 above 0\.5, verification \d\.\d\d/, { timeout: 60_000 });
  await expect(now.locator('li')).toHaveCount(2);
  await expect(now.locator('li').first()).toHaveText(/^\d\.\d\d$/);

  // The thresholds apply instantly: at 1.00 (slider moved with the keyboard) nothing is above the
  // detection threshold; five PageDowns (a tenth each) bring it back to 0.50.
  const slider = page.locator('input[name="detectionThreshold"]');
  await slider.focus();
  await page.keyboard.press('End');
  await expect(verdict).toHaveText('ACCESS DENIED');
  await expect(page.getByTestId('verdict-details')).toContainText('detection 0 of 2 above 1 ');
  for (let i = 0; i < 5; i++) await page.keyboard.press('PageDown');
  await expect(slider).toHaveValue('0.5');
  // A verification threshold of 0.70 (two PageUps): the exported metadata carries it.
  const verificationSlider = page.locator('input[name="verificationThreshold"]');
  await verificationSlider.focus();
  for (let i = 0; i < 2; i++) await page.keyboard.press('PageUp');
  await expect(verificationSlider).toHaveValue('0.7');

  // Export the model as three files.
  await page.getByTestId('model-export').click();
  const links = page.getByTestId('model-export-link');
  await expect(links).toHaveCount(3, { timeout: 60_000 });
  const files: string[] = [];
  for (let i = 0; i < 3; i++) {
    const [download] = await Promise.all([page.waitForEvent('download'), links.nth(i).click()]);
    const file = testInfo.outputPath(download.suggestedFilename());
    await download.saveAs(file);
    files.push(file);
  }
  expect(files.map((f) => f.split('/').pop()).sort()).toEqual(['model.json', 'siamese-face-id.json', 'weights.bin']);
  expect(statSync(files.find((f) => f.endsWith('weights.bin'))!).size).toBe(38_964_545 * 4);
  const meta = JSON.parse(readFileSync(files.find((f) => f.endsWith('siamese-face-id.json'))!, 'utf8')) as { thresholds?: unknown };
  expect(meta.thresholds).toEqual({ detectionThreshold: 0.5, verificationThreshold: 0.7 });

  // Import them back: the model is replaced and verification goes on.
  await page.getByTestId('model-import-input').setInputFiles(files);
  await expect(page.getByTestId('message-success').filter({ hasText: 'Model imported' })).toBeVisible({ timeout: 90_000 });
  await expect(page.getByTestId('message-success').filter({ hasText: 'Model imported' })).toContainText('thresholds 0.5 / 0.7 from its file');
  await expect(page.getByTestId('model-error')).toHaveCount(0);
  await expect(verdict).toHaveText(/^ACCESS (GRANTED|DENIED)$/, { timeout: 90_000 });
  // The sliders are remembered: 0.80 now (one PageUp) is what the reload below must bring back.
  await verificationSlider.focus();
  await page.keyboard.press('PageUp');
  await expect(verificationSlider).toHaveValue('0.8');

  // A file that is not a model of this app: a clear error, and the model stays in place.
  await page.getByTestId('model-import-input').setInputFiles([{ name: 'model.json', mimeType: 'application/json', buffer: Buffer.from('{"hello": "world"}') }]);
  await expect(page.getByTestId('model-error')).toContainText('not a model exported by this app');
  await expect(page.getByTestId('model-error')).toContainText('The current model stays in place');
  await expect(verdict).toHaveText(/^ACCESS (GRANTED|DENIED)$/);

  // A returning user goes straight to verification, and sees how the stored model was trained;
  // the thresholds are the ones last set.
  await page.reload();
  await expect(verdict).toHaveText(/^ACCESS (GRANTED|DENIED)$/, { timeout: 90_000 });
  await expect(verificationSlider).toHaveValue('0.8');
  await expect(slider).toHaveValue('0.5');
  await expect(page.getByTestId('train-final')).toContainText(/The stored model was trained after epoch 2: test precision/);
  expect(await chartEpochs(page)).toBe(2);

  // Deleting the trained model goes back to the pretrained one, which verifies on.
  await page.getByTestId('model-delete').click();
  await page.getByTestId('model-delete-confirm').click();
  await expect(page.getByTestId('model-status')).toHaveAttribute('data-kind', 'pretrained', { timeout: 60_000 });
  await expect(page.getByTestId('model-delete')).toHaveCount(0);
  await expect(verdict).toHaveText(DECIDED, { timeout: 90_000 });

  // The pretrained weights were fetched once in this whole test: the training worker, the reloads
  // and the return to the pretrained model all read them from IndexedDB.
  expect(weights.count).toBe(3);
  expect(consoleErrors.filter((e) => !e.includes('/favicon.ico'))).toEqual([]);
});

test('before any training the pretrained model verifies; its weights come from IndexedDB on the next visit', async ({ page, context, consoleErrors }, testInfo) => {
  test.setTimeout(180_000);
  const weights = countWeightRequests(context);
  const t0 = Date.now();
  await page.goto('/');
  await expect(page.getByTestId('model-status')).toHaveAttribute('data-kind', 'pretrained', { timeout: 90_000 });
  const firstMs = Date.now() - t0;
  expect(weights.count).toBe(3); // the three shards, fetched from the app's origin
  await expect(page.getByTestId('model-status')).toContainText(PRETRAINED_TITLE);
  await expect(page.getByTestId('model-note')).toHaveCount(0); // stored, nothing to say
  await expect(page.getByTestId('model-delete')).toHaveCount(0); // nothing trained to delete

  // Verification images only: the live overlay decides with the pretrained model, no training.
  await expect(page.getByTestId('capture-verification')).toBeEnabled({ timeout: 30_000 });
  await capture(page, 'v', 'verification', 2);
  const verdict = page.getByTestId('verdict');
  await expect(verdict).toHaveText(DECIDED, { timeout: 90_000 });
  await expect(page.getByTestId('verdict-details')).toHaveText(/^detection [0-2] of 2 above 0\.5 · verification \d\.\d\d · \d+ ms$/);
  await expect(page.getByTestId('train-progress')).toHaveCount(0);
  const usage = await page.evaluate(async () => (await navigator.storage.estimate()).usage ?? null);

  // The next visit: no weight request at all, the model comes from IndexedDB and verifies again.
  weights.count = 0;
  const t1 = Date.now();
  await page.reload();
  await expect(page.getByTestId('model-status')).toHaveAttribute('data-kind', 'pretrained', { timeout: 90_000 });
  const cachedMs = Date.now() - t1;
  await expect(verdict).toHaveText(DECIDED, { timeout: 90_000 });
  expect(weights.count).toBe(0);
  testInfo.annotations.push({
    type: 'pretrained load',
    description: `page open → pretrained model ready: first visit ${firstMs} ms (fetch + store), next visit ${cachedMs} ms (IndexedDB); origin storage in use ${usage === null ? 'unknown' : `${(usage / 1e6).toFixed(1)} MB`}`,
  });
  expect(consoleErrors.filter((e) => !e.includes('/favicon.ico'))).toEqual([]);
});

test('when the training worker cannot load, training runs in the page and says so', async ({ page }) => {
  // The page also loads the pretrained model for verification before training: more work here.
  test.setTimeout(300_000);
  // The worker's script fails to load (as when a browser cannot start module workers).
  await page.route('**/assets/worker-*.js', (route) => route.abort());
  await page.goto('/');
  await expect(page.getByTestId('capture-anchor')).toBeEnabled({ timeout: 30_000 });
  // More steps than the first test: the Stop click lands between steps, which on a busy main thread
  // can take a few of them (with 6 steps, training sometimes ended first).
  await prepare(page, { ...BUDGET, epochs: '5' });
  await page.getByTestId('train-start').click();
  await expect(page.getByTestId('train-backend')).toHaveAttribute('data-where', 'page', { timeout: 60_000 });
  await expect(page.getByTestId('train-backend')).toContainText('training runs in this page');
  // It trains (here, on the page's main thread, which is free only between steps: the click may
  // wait for a step to end), and Stop still works between steps.
  await expect.poll(() => progressValue(page), { timeout: TRAIN_TIMEOUT }).toBeGreaterThanOrEqual(1);
  await page.getByTestId('train-stop').click({ timeout: 60_000 });
  await expect(page.getByTestId('train-resume')).toBeVisible({ timeout: TRAIN_TIMEOUT });
});
