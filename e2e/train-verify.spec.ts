/**
 * Train and verify in the page, with the fake camera ("enrolled" clip) and a tiny training budget
 * (8 samples per class, batch 4, 2 epochs: 3 steps per epoch of the full reference model):
 * Train → progress and charts move → Stop → reload → Resume (the epoch count and charts continue)
 * → final metrics → the live overlay gives a verdict with its details, without leaking tensors →
 * export the model as files and import them back → a bad file gives a clear error and the model
 * stays → after a reload, verification starts by itself with the stored model.
 */
import { statSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';

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
  for (const [name, value] of Object.entries(budget)) await page.locator(`input[name="${name}"]`).fill(value);
}

async function progressValue(page: Page): Promise<number> {
  return Number(await page.getByTestId('train-progress').locator('progress').getAttribute('value'));
}

async function chartEpochs(page: Page): Promise<number> {
  return Number(await page.getByTestId('train-chart').getAttribute('data-epochs'));
}

test('train, stop, reload, resume, verify live, export and import the model', async ({ page, consoleErrors }, testInfo) => {
  test.setTimeout(300_000);
  await page.goto('/');
  await expect(page.getByTestId('capture-anchor')).toBeEnabled({ timeout: 30_000 });
  await expect(page.getByTestId('verdict')).toHaveText('NO MODEL', { timeout: 30_000 });

  // A few samples of the person in front of the camera; the bundled negatives arrive by themselves.
  // The reference defaults need more data: the readiness check says what is missing.
  await prepare(page, {});
  await expect(page.locator('input[name="epochs"]')).toHaveValue('50');
  await expect(page.getByTestId('train-readiness')).toContainText('more anchors');
  await expect(page.getByTestId('train-start')).toBeDisabled();
  // A bad value shows its error next to the field.
  await page.locator('input[name="learningRate"]').fill('0');
  await expect(page.getByRole('alert').filter({ hasText: 'learningRate = 0' })).toBeVisible();
  await page.locator('input[name="learningRate"]').fill('0.0001');
  for (const [name, value] of Object.entries(BUDGET)) await page.locator(`input[name="${name}"]`).fill(value);
  await expect(page.getByTestId('train-readiness')).toContainText('8 samples per class give 11 training pairs and 5 test pairs');
  await expect(page.getByTestId('train-backend')).toContainText(/WebAssembly|WebGL/);
  await expect(page.getByTestId('train-backend')).not.toHaveAttribute('data-where', 'page');

  // Train: the progress bar moves and the charts get the first epoch.
  await page.getByTestId('train-start').click();
  await expect(page.getByTestId('train-progress')).toBeVisible({ timeout: 60_000 });
  await expect.poll(() => progressValue(page), { timeout: TRAIN_TIMEOUT }).toBeGreaterThanOrEqual(1);
  await expect(page.getByTestId('train-status')).toContainText(/Epoch 1 of 2, batch \d of 3/);
  await expect.poll(() => chartEpochs(page), { timeout: TRAIN_TIMEOUT }).toBe(1);
  await expect(page.getByTestId('train-chart').locator('svg')).toHaveCount(2);

  // Stop: a checkpoint is written; after a reload the page offers to resume from it.
  await page.getByTestId('train-stop').click();
  await expect(page.getByTestId('train-resume')).toBeVisible({ timeout: TRAIN_TIMEOUT });
  await page.reload();
  await expect(page.locator('input[name="epochs"]')).toHaveValue('2'); // settings remembered
  await expect(page.getByTestId('train-resume')).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId('train-resume')).toHaveText(/Resume from epoch [12]/);
  const epochsBefore = await chartEpochs(page);
  expect(epochsBefore).toBeGreaterThanOrEqual(1); // the checkpoint's history is charted

  // Resume and finish: the charts continue and the final metrics are stated.
  await page.getByTestId('train-resume').click();
  await expect(page.getByTestId('train-final')).toBeVisible({ timeout: TRAIN_TIMEOUT });
  await expect(page.getByTestId('train-final')).toContainText(/Training finished after epoch 2: test precision \d+\.\d%, test recall \d+\.\d%/);
  await expect(page.getByTestId('train-final')).toContainText('same captures');
  expect(await chartEpochs(page)).toBe(2);
  await expect(page.getByTestId('train-resume')).toHaveCount(0); // the spent checkpoint is not offered again

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

  // The thresholds apply instantly: at 1.00 (slider moved with the keyboard) nothing is above the
  // detection threshold; five PageDowns (a tenth each) bring it back to 0.50.
  const slider = page.locator('input[name="detectionThreshold"]');
  await slider.focus();
  await page.keyboard.press('End');
  await expect(verdict).toHaveText('ACCESS DENIED');
  await expect(page.getByTestId('verdict-details')).toContainText('detection 0 of 2 above 1 ');
  for (let i = 0; i < 5; i++) await page.keyboard.press('PageDown');
  await expect(slider).toHaveValue('0.5');

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

  // Import them back: the model is replaced and verification goes on.
  await page.getByTestId('model-import-input').setInputFiles(files);
  await expect(page.getByTestId('message-success').filter({ hasText: 'Model imported' })).toBeVisible({ timeout: 90_000 });
  await expect(page.getByTestId('model-error')).toHaveCount(0);
  await expect(verdict).toHaveText(/^ACCESS (GRANTED|DENIED)$/, { timeout: 90_000 });

  // A file that is not a model of this app: a clear error, and the model stays in place.
  await page.getByTestId('model-import-input').setInputFiles([{ name: 'model.json', mimeType: 'application/json', buffer: Buffer.from('{"hello": "world"}') }]);
  await expect(page.getByTestId('model-error')).toContainText('not a model exported by this app');
  await expect(page.getByTestId('model-error')).toContainText('The current model stays in place');
  await expect(verdict).toHaveText(/^ACCESS (GRANTED|DENIED)$/);

  // A returning user goes straight to verification, and sees how the stored model was trained.
  await page.reload();
  await expect(verdict).toHaveText(/^ACCESS (GRANTED|DENIED)$/, { timeout: 90_000 });
  await expect(page.getByTestId('train-final')).toContainText(/The stored model was trained after epoch 2: test precision/);
  expect(await chartEpochs(page)).toBe(2);

  expect(consoleErrors.filter((e) => !e.includes('/favicon.ico'))).toEqual([]);
});

test('when the training worker cannot load, training runs in the page and says so', async ({ page }) => {
  test.setTimeout(180_000);
  // The worker's script fails to load (as when a browser cannot start module workers).
  await page.route('**/assets/worker-*.js', (route) => route.abort());
  await page.goto('/');
  await expect(page.getByTestId('capture-anchor')).toBeEnabled({ timeout: 30_000 });
  await prepare(page, BUDGET);
  await page.getByTestId('train-start').click();
  await expect(page.getByTestId('train-backend')).toHaveAttribute('data-where', 'page', { timeout: 60_000 });
  await expect(page.getByTestId('train-backend')).toContainText('training runs in this page');
  // It trains (here, on the page's main thread, which is free only between steps: the click may
  // wait for a step to end), and Stop still works between steps.
  await expect.poll(() => progressValue(page), { timeout: TRAIN_TIMEOUT }).toBeGreaterThanOrEqual(1);
  await page.getByTestId('train-stop').click({ timeout: 60_000 });
  await expect(page.getByTestId('train-resume')).toBeVisible({ timeout: TRAIN_TIMEOUT });
});
