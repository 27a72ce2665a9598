import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIVENESS_CONFIG } from '../../src/config';
import { REPO_ROOT } from '../../tools/lfw';

interface Variant {
  readonly cue: string;
  readonly source: string;
  readonly frontal: { readonly centre: number; readonly band: number };
  readonly chosen: { readonly threshold: number; readonly spoofRejectDesign: number; readonly livePassByRef68: number };
}

const results = JSON.parse(readFileSync(path.join(REPO_ROOT, 'scripts/results/liveness.json'), 'utf8')) as { variants: Variant[] };

describe('the liveness defaults', () => {
  const measured = results.variants.find((v) => v.source === 'refined' && v.cue === DEFAULT_LIVENESS_CONFIG.cue);

  it('are the measurement of their cue on refined keypoints (scripts/results/liveness.json)', () => {
    expect(measured).toBeDefined();
    expect(DEFAULT_LIVENESS_CONFIG.turnThreshold).toBe(measured!.chosen.threshold);
    expect(DEFAULT_LIVENESS_CONFIG.frontalBand).toBe(measured!.frontal.band);
    expect(Math.abs(DEFAULT_LIVENESS_CONFIG.frontalCentre - measured!.frontal.centre)).toBeLessThan(0.005);
  });

  it('meet both goals there: spoofs rejected ≥ 99 % (tilts ≤ 45°), live turns passed ≥ 95 %', () => {
    expect(measured!.chosen.spoofRejectDesign).toBeGreaterThanOrEqual(0.99);
    expect(measured!.chosen.livePassByRef68).toBeGreaterThanOrEqual(0.95);
  });
});
