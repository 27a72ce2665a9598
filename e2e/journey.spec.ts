/**
 * The whole journey, the way a user does it, in the production build with a fake camera:
 *
 * 1. open the page: the preview runs, no console errors; the current model is the bundled
 *    pretrained face model;
 * 2. with the "enrolled" clip (one LFW person) in front of the camera, press a, p and v over a
 *    few seconds: the counts show it; the pretrained model already gives a verdict (recorded);
 * 3. set a small training budget (fine-tune the pretrained model, augmented: the app's defaults)
 *    and click Train: progress and charts move, training ends with test precision and recall, and
 *    the model is fine-tuned on the person;
 * 4. the overlay says ACCESS GRANTED over a whole cycle of the clip (on nearly every frame, see below);
 * 5. the same profile with the "impostor" clip (another person, same camera): ACCESS DENIED on
 *    every frame, with samples, settings and the model still there and no retraining;
 * 6. back to the enrolled person: ACCESS GRANTED again (the denial was the person, not the relaunch).
 *
 * Around it: no request leaves the app's origin (the fixture's privacy guard, and asserted here);
 * training runs in the background worker on WebAssembly because WebGL here is SwiftShader.
 *
 * The budget (BUDGET below: 24 samples per class, batch 8, 4 epochs, the reference learning rate
 * 1e-4; 20 training steps) starts from the bundled pretrained network and calibrates after
 * training (the app's default: 0.5 accepts 5 % of comparisons with held-out strangers). The
 * verification images are spread over the whole clip, as the Verify panel asks a user to do
 * (src/ui/verify/spread.ts): taken in the first seconds of the clip only, they miss poses and
 * deny the enrolled person on some frames. Calibration is what keeps the impostor out: without it
 * some of the impostor's frames are granted. Trained from scratch, no budget that fits a test run
 * separates the two people.
 *
 * So the test asserts the impostor denied on every frame and the enrolled person granted on at
 * least MIN_ENROLLED_GRANTED of the frames of a whole cycle (one photo of the clip can score low
 * against most verification images), and records the exact counts and scores as annotations
 * (`verdicts`, `scores`, `calibration`) on every run. The outcomes of repeated runs:
 * bench/results/reference.md (end-to-end tests).
 */
import { DEFAULT_TRAINING_CONFIG } from '../src/config';
import {
  clipCycleMs,
  describeSummary,
  expect,
  summarize,
  test,
  type AppPage,
  type Counts,
  type FrameVerdict,
  type TrainingOptions,
} from './fixtures';

/** Captures, over about 18 s (one and a half cycles of the clip's 12 photos); each kind spread over all of it. */
const CAPTURES = { anchor: 24, positive: 24, verification: 8 } as const;
/**
 * Share of the enrolled person's frames that must be granted: below every frame, because one
 * photo of the clip can score low against most verification images (see the header).
 */
const MIN_ENROLLED_GRANTED = 3 / 4;
/** The training budget the user sets. The reference learning rate is 1e-4. */
const BUDGET = { epochs: '4', batchSize: '8', samplesPerClass: '24', learningRate: '0.0001' } as const;
/** Where training starts and how: the app's defaults, set explicitly. */
const OPTIONS: Required<TrainingOptions> = {
  start: DEFAULT_TRAINING_CONFIG.start,
  augment: DEFAULT_TRAINING_CONFIG.augment,
  freeze: DEFAULT_TRAINING_CONFIG.freeze,
  calibrate: DEFAULT_TRAINING_CONFIG.calibrate,
};
/** Safety nets, not speed checks (speed is `npm run bench`'s): a busy 2-core machine trains slower. */
const TRAIN_TIMEOUT = 480_000;

/** Records the overlay's verdicts over one full cycle of the clip plus a margin. */
async function verdictsOverCycle(app: AppPage, clip: 'enrolled' | 'impostor'): Promise<FrameVerdict[]> {
  await app.waitForDecision();
  const frames = await app.recordVerdicts(clipCycleMs(clip) + 2_000);
  const scores: string[] = [];
  for (let i = 0; i < 3; i++) {
    scores.push((await app.verifyNowScores()).map((s) => s.toFixed(3)).join(','));
    await app.page.waitForTimeout(1_700);
  }
  test.info().annotations.push({ type: 'scores', description: `${clip}: ${scores.join(' | ')}` });
  test.info().annotations.push({
    type: 'verdicts',
    description: `${clip}: ${describeSummary(summarize(frames))}; ${frames.map((f) => f.verification.toFixed(2)).join(' ')}`,
  });
  return frames;
}

test('capture, train, granted for the enrolled person, denied for an impostor, nothing leaves the origin', async ({
  launchApp,
  privacy,
  consoleErrors,
}) => {
  test.setTimeout(900_000);
  const t0 = Date.now();
  const mark = (what: string) =>
    test.info().annotations.push({ type: 'time', description: `${what} at ${((Date.now() - t0) / 1000).toFixed(0)} s` });

  // 1. Open the page: the preview runs.
  const enrolled = await launchApp({ camera: 'enrolled', path: null });
  let app = enrolled.app;
  await app.open();
  // Before any training, the pretrained face model is the app's model.
  await expect.poll(() => app.modelKind(), { timeout: 90_000 }).toBe('pretrained');
  await expect(app.verdict).not.toHaveText('NO MODEL');
  const playing = await enrolled.page
    .locator('video')
    .first()
    .evaluate(async (v: HTMLVideoElement) => {
      const t = v.currentTime;
      await new Promise((r) => setTimeout(r, 500));
      return { paused: v.paused, advanced: v.currentTime > t, w: v.videoWidth, h: v.videoHeight };
    });
  expect(playing).toEqual({ paused: false, advanced: true, w: 640, h: 480 });

  // 2. Captures spread over the clip; the bundled negatives arrive by themselves.
  const negatives = await app.waitForNegatives();
  await app.captureSpread(CAPTURES);
  const counts: Counts = { ...CAPTURES, negative: negatives };
  expect(await app.shownCounts()).toEqual(counts);
  expect(await app.storedCounts()).toEqual(counts);
  mark('captured');
  // The pretrained model verifies before any training (its scores are recorded, not asserted).
  await app.waitForDecision();
  const pretrainedScores = await app.verifyNowScores();
  expect(pretrainedScores, 'Verify now shows one score per verification image').toHaveLength(CAPTURES.verification);
  test
    .info()
    .annotations.push({ type: 'scores', description: `enrolled, pretrained only: ${pretrainedScores.map((s) => s.toFixed(3)).join(',')}` });
  // Spread over the clip, the verification images are varied enough: no advice to retake them
  // (checked seconds after the last capture, so the panel has read the stored records).
  await expect(app.page.getByTestId('verify-spread-hint')).toHaveCount(0);

  // 3. A small budget; Train; progress and charts move; precision and recall at the end.
  await app.setTrainingOptions(OPTIONS);
  await app.setSettings(BUDGET);
  await expect(app.page.getByTestId('train-readiness')).toContainText(`Ready: ${BUDGET.samplesPerClass} samples per class give`);
  await app.trainStart.click();
  const backend = app.trainBackend;
  await expect(backend).toHaveAttribute('data-where', 'worker', { timeout: 120_000 });
  // Here WebGL exists only as SwiftShader: the worker trains on WebAssembly and says why.
  await expect(backend).toContainText(/WebAssembly, \d+ threads?/);
  await expect(backend).toContainText('software renderer (SwiftShader)');
  await expect.poll(() => app.trainingSteps(), { timeout: TRAIN_TIMEOUT }).toBeGreaterThanOrEqual(1);
  await expect.poll(() => app.chartedEpochs(), { timeout: TRAIN_TIMEOUT }).toBeGreaterThanOrEqual(1);
  const stepsAtEpoch1 = await app.trainingSteps();
  await expect.poll(() => app.chartedEpochs(), { timeout: TRAIN_TIMEOUT }).toBeGreaterThanOrEqual(2);
  expect(await app.trainingSteps()).toBeGreaterThan(stepsAtEpoch1);
  await expect(app.trainChart.locator('svg')).toHaveCount(2);
  await expect(app.trainFinal).toBeVisible({ timeout: TRAIN_TIMEOUT });
  const final = await app.finalMetrics();
  test.info().annotations.push({ type: 'training', description: final.text });
  // Calibrated on bundled negatives the run did not train on (the default).
  const calibration = app.trainCalibration;
  await expect(calibration).toHaveAttribute('data-kind', 'calibrated');
  test.info().annotations.push({ type: 'calibration', description: (await calibration.textContent()) ?? '' });
  expect(final.epoch).toBe(Number(BUDGET.epochs));
  expect(await app.chartedEpochs()).toBe(Number(BUDGET.epochs));
  await expect.poll(() => app.modelKind(), { timeout: 60_000 }).toBe('fine-tuned');
  mark('trained');

  // 4. The enrolled person is granted, frame after frame.
  const granted = await verdictsOverCycle(app, 'enrolled');
  mark('verified enrolled');
  // Soft: a wrong verdict here still lets the rest of the journey run and record its scores.
  expect.soft(granted.length, 'frames decided').toBeGreaterThanOrEqual(3);
  const enrolledSummary = summarize(granted);
  expect
    .soft(enrolledSummary.granted / enrolledSummary.frames, `enrolled frames granted (${describeSummary(enrolledSummary)})`)
    .toBeGreaterThanOrEqual(MIN_ENROLLED_GRANTED);
  await enrolled.close();

  // 5. Someone else in front of the same camera, same stored data: denied, without retraining.
  const impostor = await launchApp({ camera: 'impostor', path: null });
  app = impostor.app;
  await app.open();
  await expect(app.count('anchor')).toHaveText(String(counts.anchor));
  expect(await app.storedCounts()).toEqual(counts);
  expect(await app.settingValues(['epochs', 'batchSize', 'samplesPerClass', 'learningRate'])).toEqual(BUDGET);
  expect(await app.trainingOptions()).toEqual(OPTIONS);
  expect(await app.modelKind()).toBe('fine-tuned');
  await expect(app.trainFinal).toContainText(`The stored model was trained after epoch ${BUDGET.epochs}: test precision`);
  const denied = await verdictsOverCycle(app, 'impostor');
  await expect(app.page.getByTestId('train-progress')).toHaveCount(0); // nothing retrained
  mark('verified impostor');
  expect.soft(denied.length, 'frames decided').toBeGreaterThanOrEqual(3);
  expect.soft(summarize(denied).granted, 'impostor frames granted').toBe(0);
  await impostor.close();

  // 6. The enrolled person again: granted.
  const again = await launchApp({ camera: 'enrolled', path: null });
  app = again.app;
  await app.open();
  const grantedAgain = await verdictsOverCycle(app, 'enrolled');
  mark('verified enrolled again');
  expect.soft(grantedAgain.length, 'frames decided').toBeGreaterThanOrEqual(3);
  const againSummary = summarize(grantedAgain);
  expect
    .soft(againSummary.granted / againSummary.frames, `enrolled frames granted after the relaunch (${describeSummary(againSummary)})`)
    .toBeGreaterThanOrEqual(MIN_ENROLLED_GRANTED);

  // Privacy, explicitly: everything the page and its workers fetched came from the app's origin,
  // including the training worker's script, the wasm binary and the bundled negatives.
  expect(privacy.violations).toEqual([]);
  expect(privacy.requests.some((u) => /\/assets\/worker-[\w-]+\.js$/.test(u))).toBe(true);
  expect(privacy.requests.some((u) => /\.wasm$/.test(u))).toBe(true);
  expect(privacy.requests.some((u) => u.includes('/negatives/'))).toBe(true);
  expect(consoleErrors).toEqual([]);
});
