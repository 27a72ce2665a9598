import { describe, expect, it } from 'vitest';
import { ConfigError, DEFAULT_LIVENESS_CONFIG, validateLivenessConfig, type LivenessConfig } from '../config';
import { createRng } from '../data';
import { LivenessCheck, yawCues, type LivenessFrame, type LivenessState, type Side } from './index';

const CONFIG: LivenessConfig = {
  cue: 'affine',
  turnThreshold: 0.1,
  frontalCentre: 0,
  frontalBand: 0.05,
  timeLimitMs: 3000,
  faceLostGraceMs: 300,
  retryDelayMs: 1000,
};

/** Keypoints whose eyes and affine cues both equal `cue` (eyes 40 px apart, mouth straight below). */
function face(cue: number, dx = 0) {
  return [
    { name: 'rightEye', x: 300 + dx, y: 200 },
    { name: 'leftEye', x: 340 + dx, y: 200 },
    { name: 'noseTip', x: 320 + dx + 40 * cue, y: 230 },
    { name: 'mouthCenter', x: 320 + dx, y: 260 },
    { name: 'rightEarTragion', x: 270 + dx, y: 210 },
    { name: 'leftEarTragion', x: 370 + dx, y: 210 },
  ] as const;
}

const frame = (at: number, cue: number | null, extra: Partial<LivenessFrame> = {}): LivenessFrame => ({
  at,
  faces: cue === null ? 0 : 1,
  keypoints: cue === null ? null : face(cue),
  identity: true,
  ...extra,
});

/** A random source that answers the given values in turn (< 0.5: left). */
const answers = (...values: number[]) => {
  let i = 0;
  return () => values[i++ % values.length]!;
};
const LEFT = 0.1;
const RIGHT = 0.9;

/** A check already in a challenge to `side`, started at t = 0 with the face frontal. */
function challenged(side: Side, config: Partial<LivenessConfig> = CONFIG): LivenessCheck {
  const check = new LivenessCheck(config, answers(side === 'left' ? LEFT : RIGHT));
  const s = check.update(frame(0, 0));
  expect(s).toMatchObject({ kind: 'challenge', side, startedAt: 0, deadline: config.timeLimitMs ?? CONFIG.timeLimitMs });
  return check;
}

const kinds = (states: LivenessState[]) => states.map((s) => (s.kind === 'denied' ? `denied:${s.reason}` : s.kind));

describe('the test keypoints', () => {
  it('give the cue they are made for', () => {
    const c = yawCues(face(0.12))!;
    expect(c.eyes).toBeCloseTo(0.12, 12);
    expect(c.affine).toBeCloseTo(0.12, 12);
  });
});

describe('LivenessCheck: starting a challenge', () => {
  it('waits idle for one face, the identity rule and a frontal face, and says which is missing', () => {
    const check = new LivenessCheck(CONFIG, answers(LEFT));
    expect(check.state).toEqual({ kind: 'idle', waiting: 'no-face' });
    expect(check.update(frame(0, null))).toEqual({ kind: 'idle', waiting: 'no-face' });
    expect(check.update(frame(100, 0, { faces: 2 }))).toEqual({ kind: 'idle', waiting: 'second-face' });
    expect(check.update(frame(200, 0, { identity: false }))).toEqual({ kind: 'idle', waiting: 'identity' });
    expect(check.update(frame(300, 0.2))).toEqual({ kind: 'idle', waiting: 'not-frontal' });
    expect(check.update(frame(400, -0.06))).toEqual({ kind: 'idle', waiting: 'not-frontal' });
    expect(check.update(frame(500, 0.04))).toEqual({
      kind: 'challenge',
      side: 'left',
      startedAt: 500,
      deadline: 3500,
      baseline: expect.closeTo(0.04, 12),
      change: 0,
    });
  });

  it('measures the frontal band from frontalCentre', () => {
    const check = new LivenessCheck({ ...CONFIG, frontalCentre: 0.1 }, answers(LEFT));
    expect(check.update(frame(0, 0)).kind).toBe('idle');
    expect(check.update(frame(100, 0.13)).kind).toBe('challenge');
  });

  it('picks the side with the random source: seeded, reproducible, both sides', () => {
    const sides = (seed: number) => {
      const check = new LivenessCheck(CONFIG, createRng(seed));
      const out: Side[] = [];
      let t = 0;
      for (let i = 0; i < 40; i++) {
        const s = check.update(frame((t += 100), 0));
        if (s.kind !== 'challenge') throw new Error(`expected a challenge, got ${s.kind}`);
        out.push(s.side);
        check.reset();
      }
      return out;
    };
    const a = sides(21);
    expect(sides(21)).toEqual(a);
    expect(a).toContain('left');
    expect(a).toContain('right');
    expect(sides(22)).not.toEqual(a);
  });

  it('draws the side from crypto by default', () => {
    const check = new LivenessCheck(CONFIG);
    const seen = new Set<Side>();
    for (let i = 0; i < 64; i++) {
      const s = check.update(frame(i * 100, 0));
      if (s.kind === 'challenge') seen.add(s.side);
      check.reset();
    }
    expect(seen).toEqual(new Set(['left', 'right'])); // fails with probability 2^-63
  });
});

describe('LivenessCheck: during a challenge', () => {
  it('grants a turn to the asked side, measured from the cue at the start', () => {
    for (const side of ['left', 'right'] as const) {
      const check = new LivenessCheck(CONFIG, answers(side === 'left' ? LEFT : RIGHT));
      check.update(frame(0, 0.03)); // baseline 0.03
      const sign = side === 'left' ? 1 : -1;
      expect(check.update(frame(100, 0.03 + sign * 0.05))).toMatchObject({ kind: 'challenge', change: expect.closeTo(sign * 0.05, 9) });
      expect(check.update(frame(200, 0.03 + sign * 0.09)).kind).toBe('challenge');
      expect(check.update(frame(300, 0.03 + sign * 0.11))).toEqual({ kind: 'granted', side, at: 300, tookMs: 300 });
    }
  });

  it('denies a turn to the other side', () => {
    const check = challenged('left');
    expect(check.update(frame(100, -0.05)).kind).toBe('challenge');
    expect(check.update(frame(200, -0.12))).toEqual({ kind: 'denied', reason: 'wrong-side', side: 'left', at: 200 });
  });

  it('denies when the time runs out, and a turn after the deadline is too late', () => {
    const check = challenged('right');
    const states = [1000, 2000, 3000].map((t) => check.update(frame(t, 0.02)));
    expect(kinds(states)).toEqual(['challenge', 'challenge', 'challenge']);
    expect(check.update(frame(3001, -0.3))).toEqual({ kind: 'denied', reason: 'timeout', side: 'right', at: 3001 });
  });

  it('denies when the face is lost for the grace period, and tolerates a shorter dropout', () => {
    const check = challenged('left');
    expect(kinds([check.update(frame(100, null)), check.update(frame(350, null)), check.update(frame(400, 0.01))])).toEqual([
      'challenge',
      'challenge',
      'challenge',
    ]);
    expect(check.update(frame(500, null)).kind).toBe('challenge');
    expect(check.update(frame(799, null)).kind).toBe('challenge');
    expect(check.update(frame(800, null))).toEqual({ kind: 'denied', reason: 'face-lost', side: 'left', at: 800 });
  });

  it('counts a face without usable keypoints as lost', () => {
    const check = challenged('left', { ...CONFIG, faceLostGraceMs: 0 });
    expect(check.update({ at: 100, faces: 1, keypoints: face(0).slice(0, 2), identity: true })).toMatchObject({
      kind: 'denied',
      reason: 'face-lost',
    });
  });

  it('denies at once when a second face appears', () => {
    const check = challenged('left');
    expect(check.update(frame(100, 0.2, { faces: 2 }))).toEqual({ kind: 'denied', reason: 'second-face', side: 'left', at: 100 });
  });

  it('denies when the identity rule fails on a frame, even one with the right turn', () => {
    const check = challenged('left');
    expect(check.update(frame(100, 0.2, { identity: false }))).toEqual({ kind: 'denied', reason: 'identity', side: 'left', at: 100 });
  });

  it('times out a face that stays lost past the deadline within the grace period', () => {
    const check = challenged('left', { ...CONFIG, timeLimitMs: 1000, faceLostGraceMs: 2000 });
    expect(check.update(frame(900, null)).kind).toBe('challenge');
    expect(check.update(frame(1100, null))).toMatchObject({ kind: 'denied', reason: 'timeout' });
  });
});

describe('LivenessCheck: after a verdict', () => {
  it('a new challenge needs the retry delay and then the face frontal again', () => {
    const check = new LivenessCheck(CONFIG, answers(LEFT, RIGHT));
    check.update(frame(0, 0));
    expect(check.update(frame(100, -0.15))).toMatchObject({ kind: 'denied', reason: 'wrong-side' });
    // Frontal again within the retry delay: the denial stays.
    expect(check.update(frame(600, 0))).toMatchObject({ kind: 'denied', reason: 'wrong-side' });
    // After the delay, still turned: no new challenge.
    expect(check.update(frame(1200, -0.15))).toEqual({ kind: 'idle', waiting: 'not-frontal' });
    expect(check.update(frame(1300, -0.15))).toEqual({ kind: 'idle', waiting: 'not-frontal' });
    // Facing the camera: a new challenge, with the next random side.
    expect(check.update(frame(1400, 0.01))).toEqual({
      kind: 'challenge',
      side: 'right',
      startedAt: 1400,
      deadline: 4400,
      baseline: expect.closeTo(0.01, 12),
      change: 0,
    });
  });

  it('a denial whose face stays frontal re-arms once the delay has passed', () => {
    const check = challenged('left');
    expect(check.update(frame(3100, 0))).toMatchObject({ kind: 'denied', reason: 'timeout', at: 3100 });
    expect(check.update(frame(4000, 0)).kind).toBe('denied');
    expect(check.update(frame(4100, 0))).toMatchObject({ kind: 'challenge', startedAt: 4100 });
  });

  it('a grant holds while the same face stays and passes the identity rule, through short dropouts', () => {
    const check = challenged('left');
    check.update(frame(100, 0.15));
    const states = [frame(200, 0.3), frame(300, -0.2), frame(400, null), frame(600, 0.1)].map((f) => check.update(f));
    expect(kinds(states)).toEqual(['granted', 'granted', 'granted', 'granted']);
    expect(check.state).toEqual({ kind: 'granted', side: 'left', at: 100, tookMs: 100 });
  });

  it('a grant ends when the face is lost, and the next challenge needs the face frontal again', () => {
    const check = new LivenessCheck(CONFIG, answers(LEFT, RIGHT));
    check.update(frame(0, 0));
    expect(check.update(frame(100, 0.15)).kind).toBe('granted');
    check.update(frame(200, null));
    expect(check.update(frame(500, null))).toEqual({ kind: 'idle', waiting: 'no-face' });
    expect(check.update(frame(600, 0.2))).toEqual({ kind: 'idle', waiting: 'not-frontal' });
    expect(check.update(frame(700, 0))).toMatchObject({ kind: 'challenge', side: 'right', startedAt: 700 });
  });

  it('a grant ends at once on a second face or a failed identity frame', () => {
    for (const [extra, waiting] of [
      [{ faces: 2 }, 'second-face'],
      [{ identity: false }, 'identity'],
    ] as const) {
      const check = challenged('left');
      check.update(frame(100, 0.15));
      expect(check.update(frame(200, 0.15, extra))).toEqual({ kind: 'idle', waiting });
    }
  });

  it('reset() returns to idle from any state', () => {
    const check = challenged('left');
    check.reset();
    expect(check.state).toEqual({ kind: 'idle', waiting: 'no-face' });
  });
});

describe('LivenessCheck: config', () => {
  it('validates its config', () => {
    expect(validateLivenessConfig()).toEqual(DEFAULT_LIVENESS_CONFIG);
    expect(new LivenessCheck().config).toEqual(DEFAULT_LIVENESS_CONFIG);
    for (const bad of [
      { cue: 'nose' as never },
      { turnThreshold: 0 },
      { frontalBand: -0.1 },
      { timeLimitMs: 100 },
      { timeLimitMs: 1.5e3 + 0.5 },
      { faceLostGraceMs: -1 },
      { retryDelayMs: Number.NaN },
    ])
      expect(() => new LivenessCheck(bad), JSON.stringify(bad)).toThrow(ConfigError);
  });

  it('the default frontal band is narrower than the turn, so a turn always leaves it', () => {
    expect(DEFAULT_LIVENESS_CONFIG.frontalBand).toBeLessThan(DEFAULT_LIVENESS_CONFIG.turnThreshold);
  });
});

it('is deterministic: the same frames and seed give the same states', () => {
  const run = () => {
    const check = new LivenessCheck(CONFIG, createRng(7));
    const out: LivenessState[] = [];
    const rng = createRng(99);
    for (let t = 0; t < 20_000; t += 100) {
      const r = rng();
      out.push(check.update(r < 0.05 ? frame(t, null) : frame(t, (rng() - 0.5) * 0.3, { identity: r > 0.08, faces: r > 0.99 ? 2 : 1 })));
    }
    return out;
  };
  const a = run();
  expect(run()).toEqual(a);
  expect(new Set(kinds(a)).size).toBeGreaterThanOrEqual(4);
});
