import { describe, expect, it } from 'vitest';
import type { Attempt } from './types';
import { DEFAULT_AUGMENT_CONFIG, FACEREC_TRAINING_CONFIG, validateAugmentConfig } from '../../src/config';
import {
  APP_DEFAULT_VARIANT,
  AUGMENT_SETS,
  buildVariantTable,
  planVariants,
  summariseAttempts,
  VARIANT_IDS,
  type EnrolmentAttempts,
} from './variants';

/** An attempt with the decision the app's rule gives at threshold 0.5. */
const attempt = (verification: number, pixelDistance = 0.2, noFace = false): Attempt => ({
  person: 'P',
  file: 'f.jpg',
  verification,
  granted: verification > 0.5,
  noFace,
  pixelDistance,
  scores: [],
});

describe('planVariants', () => {
  it("lists the app default (the face-recognition network) first, its pretrained head alone, then the Koch network's variants", () => {
    const v = planVariants(5, 10, { freeze: 'embedding', calibrate: true });
    expect(v.map((x) => x.id)).toEqual(VARIANT_IDS.filter((id) => id !== 'freeze-embedding' && id !== 'calibrate-on'));
    expect(APP_DEFAULT_VARIANT).toBe('facerec');
    // The face-recognition network trains as the app trains it (FACEREC_TRAINING_CONFIG), whatever the Koch settings.
    expect(v[0]).toMatchObject({
      id: 'facerec',
      faceModel: 'facerec',
      crop: 'face',
      start: 'pretrained',
      augment: FACEREC_TRAINING_CONFIG.augment,
      epochs: FACEREC_TRAINING_CONFIG.epochs,
      freeze: FACEREC_TRAINING_CONFIG.freeze,
      calibrate: FACEREC_TRAINING_CONFIG.calibrate,
    });
    expect(v[1]).toMatchObject({
      id: 'facerec-pretrained',
      faceModel: 'facerec',
      crop: 'face',
      start: 'none',
      epochs: 0,
      calibrate: false,
    });
    expect(v.filter((x) => x.faceModel === 'facerec').map((x) => x.id)).toEqual(['facerec', 'facerec-pretrained']);
    const own = planVariants(5, 10, { freeze: 'none', calibrate: true }, ['facerec'], {
      epochs: 7,
      freeze: 'none',
      augment: false,
      calibrate: false,
    });
    expect(own[0]).toMatchObject({ epochs: 7, calibrate: false });
    expect(v[2]).toMatchObject({
      id: 'koch-default',
      faceModel: 'koch',
      crop: 'face',
      start: 'pretrained',
      augment: true,
      epochs: 5,
      freeze: 'embedding',
      calibrate: true,
    });
    const fineTuned = v.filter((x) => x.start === 'pretrained' && x.faceModel === 'koch');
    expect(fineTuned.map((x) => `${x.crop}/${x.augment}/${x.freeze}`)).toEqual([
      'face/true/embedding',
      'face/false/embedding',
      'face/true/embedding',
      'fixed/true/embedding',
      'fixed/false/embedding',
      'face/true/none',
      'face/true/convs',
      'face/true/embedding',
    ]);
    // notebook-aug is the default with the notebook's five augmentations alone; every other augmented variant uses them all.
    expect(v.find((x) => x.id === 'notebook-aug')).toMatchObject({
      crop: 'face',
      start: 'pretrained',
      augment: true,
      augmentSet: 'notebook',
      epochs: 5,
      freeze: 'embedding',
      calibrate: true,
    });
    expect(v.filter((x) => x.id !== 'notebook-aug').every((x) => x.augmentSet === 'all')).toBe(true);
    expect(v.find((x) => x.id === 'calibrate-off')).toMatchObject({ crop: 'face', augment: true, freeze: 'embedding', calibrate: false });
    // Every trained variant calibrates as the default does; the untrained ones never.
    expect(v.filter((x) => x.id !== 'calibrate-off').map((x) => x.calibrate)).toEqual(
      v.filter((x) => x.id !== 'calibrate-off').map((x) => x.start !== 'none'),
    );
    expect(v.filter((x) => x.faceModel === 'koch').length).toBe(v.length - 2);
    expect(v.find((x) => x.id === 'scratch')).toMatchObject({ crop: 'face', start: 'scratch', augment: true, epochs: 10, freeze: 'none' });
    expect(v.filter((x) => x.start === 'none').map((x) => [x.crop, x.epochs])).toEqual([
      ['face', 0],
      ['face', 0],
      ['fixed', 0],
    ]);
    // With another default the freeze row that repeats it is the one left out.
    expect(planVariants(5, 10, { freeze: 'none', calibrate: false }).map((x) => x.id)).toEqual(
      VARIANT_IDS.filter((id) => id !== 'freeze-none' && id !== 'calibrate-off'),
    );
  });
  it('keeps a subset in report order and refuses an unknown id', () => {
    expect(planVariants(1, 2, { freeze: 'none', calibrate: true }, ['pretrained-fixed', 'koch-default']).map((x) => x.id)).toEqual([
      'koch-default',
      'pretrained-fixed',
    ]);
    expect(
      planVariants(1, 2, { freeze: 'none', calibrate: true }, ['facerec-pretrained', 'facerec']).map((x) => `${x.id}/${x.faceModel}`),
    ).toEqual(['facerec/facerec', 'facerec-pretrained/facerec']);
    expect(() => planVariants(1, 2, { freeze: 'none', calibrate: true }, ['nope' as never])).toThrow(/unknown variant "nope"/);
  });
});

describe('AUGMENT_SETS', () => {
  it("'notebook' keeps exactly the reference notebook's five augmentations at the notebook's ranges; 'all' is the app's default set", () => {
    const notebook = validateAugmentConfig(AUGMENT_SETS.notebook);
    const on = (Object.keys(notebook) as (keyof typeof notebook)[]).filter(
      (k) => k !== 'enabled' && (notebook[k] as { enabled: boolean }).enabled,
    );
    expect(on.sort()).toEqual(['brightness', 'contrast', 'flip', 'jpegQuality', 'saturation']);
    expect([notebook.brightness, notebook.contrast, notebook.saturation, notebook.jpegQuality].map((r) => [r.min, r.max])).toEqual([
      [-0.02, 0.02],
      [0.6, 1],
      [0.9, 1],
      [90, 100],
    ]);
    expect(notebook.flip.probability).toBe(0.5);
    expect(validateAugmentConfig(AUGMENT_SETS.all)).toEqual(DEFAULT_AUGMENT_CONFIG);
  });
});

describe('summariseAttempts', () => {
  it('scores the network at the threshold, counts no-face attempts, and places the pixel baseline at its EER', () => {
    const genuine = [attempt(0.9, 0.1), attempt(0.6, 0.15), attempt(0.2, 0.3), attempt(0, 1, true)];
    const impostor = [attempt(0.1, 0.25), attempt(0.7, 0.2), attempt(0, 0.4), attempt(0, 0.5)];
    const s = summariseAttempts(genuine, impostor, 0.5);
    expect(s.network.frr).toBe(0.5);
    expect(s.network.far).toBe(0.25);
    expect(s.noFace).toEqual({ genuine: 1, impostor: 0 });
    expect(s.attempts).toEqual({ genuine: 4, impostor: 4 });
    // Pixel distances: genuine 0.1, 0.15, 0.3, 1 vs impostor 0.2, 0.25, 0.4, 0.5 → AUC = (4 + 4 + 2 + 0) / 16.
    expect(s.pixel.auc).toBe(10 / 16);
    expect(s.pixel.frr).toBeCloseTo(s.pixel.far, 9);
  });
  it('refuses granted flags that disagree with the fractions (the bench must score what the app decides)', () => {
    const wrong = { ...attempt(0.9), granted: false };
    expect(() => summariseAttempts([wrong, attempt(0.1)], [attempt(0.1)], 0.5)).toThrow(/disagree/);
  });
});

describe('buildVariantTable', () => {
  const variants = planVariants(1, 2, { freeze: 'none', calibrate: true }, ['koch-default', 'pretrained-face']);
  const run = (
    variant: EnrolmentAttempts['variant'],
    condition: EnrolmentAttempts['condition'],
    g: number[],
    i: number[],
    trainSeconds: number,
  ): EnrolmentAttempts => ({
    variant,
    condition,
    genuine: g.map((x) => attempt(x)),
    impostor: i.map((x) => attempt(x)),
    trainSeconds,
  });

  it('pools each variant per condition, side by side, with the mean training time', () => {
    const rows = buildVariantTable(
      variants,
      [
        run('koch-default', 'plain', [0.9, 0.8], [0.1], 10),
        run('koch-default', 'plain', [0.2], [0.6, 0], 30),
        run('koch-default', 'sameCamera', [0.9], [0.9], 20),
        run('pretrained-face', 'plain', [0.4], [0.1], 0),
      ],
      0.5,
    );
    expect(rows.map((r) => r.id)).toEqual(['koch-default', 'pretrained-face']);
    const d = rows[0]!;
    expect([d.frr, d.far]).toEqual([1 / 3, 1 / 3]);
    expect(d.attempts).toEqual({ genuine: 3, impostor: 3 });
    expect(d.auc).toBeCloseTo(8 / 9, 12); // 0.9 and 0.8 beat all three impostors, 0.2 beats 0.1 and 0
    expect(d.sameCamera).toMatchObject({ frr: 0, far: 1 });
    expect(d.trainSeconds).toBe(20);
    expect(d.enrolments).toBe(3);
    // Operating points on the pooled fractions: FAR 0 needs v > 0.6 (two genuine of three pass);
    // FRR 0 allows v > 0.1 at most (the impostor at 0.6 passes).
    expect(d.points.frrAtFar).toEqual({ frr: 1 / 3, far: 0, threshold: 0.6, maxFar: 0.005 });
    expect(d.points.farAtFrr).toEqual({ frr: 0, far: 1 / 3, threshold: 0.1, maxFrr: 0.05 });
    expect(d.sameCamera!.points.farAtFrr).toMatchObject({ frr: 0, far: 1 });
    expect(d.goals.map((g) => [g.what, g.condition, g.value, g.goal, g.met])).toEqual([
      ['EER', 'plain', d.eer, 0.01, false],
      ['FRR at FAR ≤ 0.5 %', 'plain', 1 / 3, 0.03, false],
      ['FAR at FRR ≤ 5 %', 'sameCamera', 1, 0.005, false],
    ]);
    // Without a same-camera run there is no same-camera goal.
    expect(rows[1]!.goals.map((g) => g.condition)).toEqual(['plain', 'plain']);
    expect(rows[1]!.sameCamera).toBeNull();
    expect(rows[1]!.frr).toBe(1);
  });

  it('refuses a variant without a plain-condition enrolment', () => {
    expect(() => buildVariantTable(variants, [run('koch-default', 'plain', [0.9], [0.1], 1)], 0.5)).toThrow(
      /pretrained-face has no enrolment/,
    );
  });
});
