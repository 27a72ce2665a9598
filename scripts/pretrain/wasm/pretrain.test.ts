import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, afterAll, describe, expect, it } from 'vitest';
import { validateModelConfig } from '../../../src/config';
import { buildSiamese, disposeNetwork } from '../../../src/model';
import { useWasmBackend } from '../../../tools/common/node-backend';
import { seedWeights } from '../../../tools/common';
import { loadPairsNetwork, readPairsFile, selectPairs, type PairRow } from '../../../tools/lfw';
import { exportNetwork } from './export';
import { pretrainChunk, PretrainError, readState, type PretrainOptions, type RunSettings } from './pretrain';
import { listPeople, type PersonPhotos } from './sampling';

const DATA = path.resolve(__dirname, '../../../../shared/data');
const LFW = path.join(DATA, 'lfw');
// People of people-dev-train.tsv (training people only), each with three or more photos.
const NAMES = ['Aaron_Peirsol', 'Abdoulaye_Wade', 'Abdullah', 'Abdullah_al-Attiyah', 'Abel_Pacheco', 'Adam_Sandler'];
const SETTINGS: RunSettings = {
  model: validateModelConfig({ inputSize: 58, filters: [2, 4, 4, 4], embeddingSize: 8 }),
  seed: 9,
  pairsPerStep: 4,
  learningRate: 1e-3,
  augment: true,
  crop: 'face',
  initFrom: null,
};

let dir = '';
let people: PersonPhotos[] = [];
let evalPairs: PairRow[] = [];
beforeAll(async () => {
  await useWasmBackend();
  dir = await mkdtemp(path.join(os.tmpdir(), 'pretrain-wasm-'));
  people = await listPeople(LFW, NAMES);
  evalPairs = selectPairs(await readPairsFile(path.join(DATA, 'lfw-meta/pairs-dev-test.tsv')), { limit: 4, seed: 1 });
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const options = (out: string, more: Partial<PretrainOptions> = {}): PretrainOptions => ({
  lfwDir: LFW,
  people,
  out: path.join(dir, out),
  settings: SETTINGS,
  maxSteps: 4,
  budgetSeconds: 0,
  checkpointEvery: 2,
  evalEvery: 0,
  evalPairs,
  ...more,
});

const bytesOf = async (out: string, file: string) => readFile(path.join(dir, out, file));

describe('pretrainChunk (wasm, a scaled-down network)', () => {
  it('run in two chunks it ends exactly where one uninterrupted run ends, keeps one checkpoint, writes the curves and leaves no tensors', async () => {
    const before = tf.memory().numTensors;
    const whole = await pretrainChunk(options('whole'));
    expect(tf.memory().numTensors).toBe(before);
    expect(whole).toMatchObject({ why: 'max-steps', stepsThisChunk: 4, exported: null });
    expect(whole.state.losses.map((l) => l.step)).toEqual([1, 2, 3, 4]);
    expect(whole.state.losses.every((l) => Number.isFinite(l.loss) && l.loss > 0)).toBe(true);

    const first = await pretrainChunk(options('chunks', { maxSteps: 2 }));
    expect(first).toMatchObject({ why: 'max-steps', stepsThisChunk: 2 });
    const second = await pretrainChunk(options('chunks'));
    expect(tf.memory().numTensors).toBe(before);
    expect(second).toMatchObject({ why: 'max-steps', stepsThisChunk: 2 });
    expect(second.state.chunks.map((c) => [c.fromStep, c.toStep, c.why, c.backend])).toEqual([
      [0, 2, 'max-steps', 'wasm'],
      [2, 4, 'max-steps', 'wasm'],
    ]);
    // Same pairs, augmentations and Adam state: the same weights and optimizer state, bit for bit.
    expect((await bytesOf('chunks', 'weights-4.bin')).equals(await bytesOf('whole', 'weights-4.bin'))).toBe(true);
    expect((await bytesOf('chunks', 'optimizer-4.bin')).equals(await bytesOf('whole', 'optimizer-4.bin'))).toBe(true);
    expect(second.state.losses).toEqual(
      whole.state.losses.map((l, i) => ({ ...l, elapsedSeconds: second.state.losses[i]!.elapsedSeconds })),
    );
    expect((await readdir(path.join(dir, 'chunks'))).sort()).toEqual(['curves.csv', 'optimizer-4.bin', 'state.json', 'weights-4.bin']);

    // Evaluated at the start and at the end of each chunk.
    expect(second.state.evals.map((e) => [e.step, e.pairs])).toEqual([
      [0, 4],
      [2, 4],
      [4, 4],
    ]);
    const csv = (await bytesOf('chunks', 'curves.csv')).toString().trim().split('\n');
    expect(csv[0]).toBe('step,elapsed_s,train_loss,eval_pairs,eval_auc,eval_accuracy');
    expect(csv.slice(1).map((row) => row.split(',')[0])).toEqual(['0', '1', '2', '3', '4']);
    expect(csv[1]).toMatch(/^0,0\.0,,4,[01]\.\d{4},[01]\.\d{4}$/);
    expect(csv[3]).toMatch(/^2,\d+\.\d,\d\.\d{5},4,[01]\.\d{4},[01]\.\d{4}$/);

    // Training changed the weights.
    await pretrainChunk(options('start', { signal: AbortSignal.abort(), evalPairs: [] }));
    expect((await bytesOf('start', 'weights-0.bin')).equals(await bytesOf('whole', 'weights-4.bin'))).toBe(false);
  });

  it('refuses to resume a run with other settings', async () => {
    await pretrainChunk(options('mismatch', { maxSteps: 1, evalPairs: [] }));
    const err = await pretrainChunk(options('mismatch', { settings: { ...SETTINGS, learningRate: 1e-4 } })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PretrainError);
    expect(err).toMatchObject({ code: 'settings-mismatch', message: expect.stringMatching(/learningRate 0\.001 \(now 0\.0001\)/) });
    const crop = await pretrainChunk(options('mismatch', { settings: { ...SETTINGS, crop: 'photo' } })).catch((e: unknown) => e);
    expect(crop).toMatchObject({ code: 'settings-mismatch', message: expect.stringMatching(/crop face \(now photo\)/) });
    expect((await readState(path.join(dir, 'mismatch')))?.step).toBe(1);
  });

  it('stops at its time budget or when aborted, and checkpoints what it did', async () => {
    const timed = await pretrainChunk(options('budget', { maxSteps: 0, budgetSeconds: 0.001, evalPairs: [] }));
    expect(timed).toMatchObject({ why: 'budget', stepsThisChunk: 1 });
    const aborted = await pretrainChunk(options('budget', { maxSteps: 0, signal: AbortSignal.abort(), evalPairs: [] }));
    expect(aborted).toMatchObject({ why: 'aborted', stepsThisChunk: 0 });
    expect(aborted.state.step).toBe(1);
  });

  it('starts from a tf.js export with its calibration shift undone, and exports in the same layout', async () => {
    const net = buildSiamese(SETTINGS.model);
    seedWeights(net, 21);
    const from = path.join(dir, 'calibrated');
    await exportNetwork(net, from, { dtype: 'float32', metadata: { calibration: { biasShift: 2 } } });
    const result = await pretrainChunk(
      options('init', {
        settings: { ...SETTINGS, initFrom: from },
        signal: AbortSignal.abort(),
        evalPairs: [],
        exportTo: path.join(dir, 'init-export'),
        exportDtype: 'float32',
      }),
    );
    expect(result.exported?.files).toContain('model.json');
    const back = await loadPairsNetwork(path.join(dir, 'init-export'));
    const [w0, w1] = [net.model.getWeights(), back.model.getWeights()];
    const last = w0.length - 1; // the classifier's bias
    w0.forEach((w, i) => {
      const expected = i === last ? tf.sub(w, 2) : w;
      expect(tf.max(tf.abs(tf.sub(expected, w1[i]!))).dataSync()[0]).toBeLessThan(1e-6);
    });
    const meta = JSON.parse(await readFile(path.join(dir, 'init-export', 'model.json'), 'utf8')) as {
      userDefinedMetadata: { pretraining: { steps: number; settings: RunSettings } };
    };
    expect(meta.userDefinedMetadata.pretraining).toMatchObject({ steps: 0, settings: { initFrom: from, seed: 9 } });
    disposeNetwork(back);
    disposeNetwork(net);
  });
});
