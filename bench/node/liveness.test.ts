import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_LIVENESS_CONFIG } from '../../src/config';
import { LivenessCheck, yawCue, type KeypointSet } from '../../src/liveness';
import { headKeypoints, photoKeypoints, type PlanePose } from '../../src/liveness/test-head';
import { LFW_DIR, LFW_META_DIR } from '../../tools/lfw';
import { NEUTRAL_POSE, type SpoofPose } from '../../tools/liveness';
import { DEFAULT_FRAME_SPEC } from '../common/frame';
import {
  askFor,
  LIVE_TURN_MOVE,
  LIVENESS_GOALS,
  LIVENESS_MAX_PHOTOS,
  livePoses,
  moveOf,
  planLivenessPeople,
  playAttempt,
  scoreSpoofs,
  summarizeLiveness,
  emptySpoofTally,
  type LivenessPersonRun,
  type LivenessSettings,
  type PosedFrame,
  type SeenFrame,
} from './liveness';
import { needsPage, parseOptions, PARTS } from './options';
import type { BenchReport } from './report';
import { main } from './run';

const root = path.resolve(import.meta.dirname, '..', '..');
const temps: string[] = [];
const temp = async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'bench-liveness-'));
  temps.push(dir);
  return dir;
};
afterEach(async () => {
  for (const d of temps.splice(0)) await rm(d, { recursive: true, force: true });
});

const T = DEFAULT_LIVENESS_CONFIG.turnThreshold;
const seen = (keypoints: KeypointSet | null, ms = 20, faces = keypoints === null ? 0 : 1): SeenFrame => ({ faces, keypoints, ms });
const head = (yaw: number, ms?: number) => seen(headKeypoints({ yaw }), ms);
const cueOf = (yaw: number) => yawCue(headKeypoints({ yaw }), DEFAULT_LIVENESS_CONFIG.cue)!;

describe('playAttempt: one attempt through a real LivenessCheck', () => {
  it('the synthetic head: frontal inside the band, a 25° turn past the threshold, a 3° one short of it', () => {
    expect(Math.abs(cueOf(0))).toBeLessThan(DEFAULT_LIVENESS_CONFIG.frontalBand);
    expect(cueOf(25)).toBeGreaterThan(T);
    expect(cueOf(-25)).toBeLessThan(-T);
    expect(Math.abs(cueOf(3))).toBeLessThan(T);
  });

  it('askFor makes the check ask for that side', () => {
    for (const side of ['left', 'right'] as const) {
      const check = new LivenessCheck(DEFAULT_LIVENESS_CONFIG, askFor(side));
      expect(check.update({ at: 0, faces: 1, keypoints: headKeypoints(), identity: true })).toMatchObject({ kind: 'challenge', side });
    }
  });

  it('grants a turn to the asked side; the challenge time is the arming and the granting frames’ processing', () => {
    expect(playAttempt([head(0, 17), head(25, 23)], 'left')).toEqual({ armedAt: 0, granted: true, end: 'granted', challengeMs: 40 });
    expect(playAttempt([head(0, 30), head(2, 11), head(-25, 12)], 'right')).toEqual({
      armedAt: 0,
      granted: true,
      end: 'granted',
      challengeMs: 53,
    });
  });

  it('denies the other side, a turn short of the threshold, a lost face, a second face; never arms on a turned face', () => {
    expect(playAttempt([head(0), head(25)], 'right')).toMatchObject({ armedAt: 0, granted: false, end: 'wrong-side', challengeMs: null });
    expect(playAttempt([head(0), head(3)], 'left')).toMatchObject({ armedAt: 0, granted: false, end: 'challenge' });
    expect(playAttempt([head(0), seen(null)], 'left')).toMatchObject({ armedAt: 0, granted: false, end: 'challenge' });
    expect(playAttempt([head(0), seen(headKeypoints({ yaw: 25 }), 20, 2)], 'left')).toMatchObject({ granted: false, end: 'second-face' });
    expect(playAttempt([head(25), head(25)], 'right')).toMatchObject({ armedAt: null, granted: false, end: 'idle' });
    // A challenge that starts on the last frame has no frame left to turn in.
    expect(playAttempt([head(25), head(0)], 'right')).toMatchObject({ armedAt: 1, granted: false, end: 'challenge' });
  });

  it('times out past the config’s limit: the clock is the frames’ processing times', () => {
    const slow = { ...DEFAULT_LIVENESS_CONFIG, timeLimitMs: 1000 };
    expect(playAttempt([head(0, 1001), head(25)], 'left', slow)).toMatchObject({ granted: false, end: 'timeout' });
    expect(playAttempt([head(0, 999), head(25)], 'left', slow)).toMatchObject({ granted: true });
  });
});

describe('scoreSpoofs: every ordered pair of poses, both sides', () => {
  const spoofPose = (name: string, family: SpoofPose['family'], tilt = 0): SpoofPose => ({
    name,
    family,
    pose: { ...NEUTRAL_POSE, tilt },
  });
  const print = (pose: PlanePose, label: SpoofPose): PosedFrame => ({ ...seen(photoKeypoints(headKeypoints(), pose)), pose: label });
  const prints: PosedFrame[] = [
    print({}, spoofPose('neutral', 'neutral')),
    print({ at: [60, -20, 500] }, spoofPose('shift', 'shift')),
    print({ scale: 0.8 }, spoofPose('scale', 'scale')),
    print({ roll: 20 }, spoofPose('roll', 'roll')),
    print({ tilt: 30, tiltAxis: 90 }, spoofPose('tilt 30 about 90', 'tilt', 30)),
    print({ tilt: -45, tiltAxis: 45 }, spoofPose('tilt -45 about 45', 'tilt', -45)),
  ];

  it('rejects a print moved, scaled, rolled and tilted: n·(n − 1) attempts a side, all armed', () => {
    const t = scoreSpoofs(prints);
    const n = prints.length;
    expect(t).toMatchObject({ attempts: 2 * n * (n - 1), rejected: 2 * n * (n - 1), notArmed: 0, bothSeen: 2 * n * (n - 1) });
    expect(Object.keys(t.byMove).sort()).toEqual(['neutral', 'roll', 'scale', 'shift', 'tilt 30°', 'tilt 45°']);
    expect(Object.values(t.byMove).reduce((s, m) => s + m.attempts, 0)).toBe(t.attempts);
    expect(t.byMove['tilt 45°']).toEqual({ attempts: 2 * (n - 1), rejected: 2 * (n - 1) });
  });

  it('grants exactly the pairs that turn the way the check asks; a first frame out of the band arms nothing; a lost face is rejected', () => {
    const k = prints.length;
    const turned: PosedFrame = { ...head(25), pose: spoofPose('mixed 0', 'mixed') };
    const lost: PosedFrame = { ...seen(null), pose: spoofPose('mixed 1', 'mixed') };
    const t = scoreSpoofs([...prints, turned, lost]);
    // Firsts that arm: the k prints (the turned head is out of the band, the lost frame has no face;
    // where a print follows them the challenge starts on the last frame, which is no attempt).
    expect(t.notArmed).toBe(2 * 2 * (k + 1));
    expect(t.attempts).toBe(2 * k * (k + 1));
    // Granted: a print first, the turned head second, the check asking for the left.
    expect(t.attempts - t.rejected).toBe(k);
    expect(t.bothSeen).toBe(2 * k * k);
    expect(t.bothSeenRejected).toBe(2 * k * k - k);
    expect(t.byMove.mixed).toEqual({ attempts: 4 * k, rejected: 3 * k });
  });

  it('moveOf names a tilt by its size, other poses by their family', () => {
    expect(moveOf(spoofPose('tilt -45 about 90', 'tilt', -45))).toBe('tilt 45°');
    expect(moveOf(spoofPose('shift 1,0', 'shift'))).toBe('shift');
  });
});

describe('livePoses', () => {
  it('places the head as the accuracy part places photos, seeded, and moves it a little for the turn', () => {
    const a = livePoses(5);
    expect(livePoses(5)).toEqual(a);
    expect(livePoses(6)).not.toEqual(a);
    const s = DEFAULT_FRAME_SPEC;
    for (let seed = 0; seed < 50; seed++) {
      const { frontal, turned } = livePoses(seed);
      expect(Math.abs(frontal.shiftX)).toBeLessThanOrEqual(s.maxShiftX);
      expect(Math.abs(frontal.shiftY)).toBeLessThanOrEqual(s.maxShiftY);
      expect(frontal.scale).toBeGreaterThanOrEqual(s.minScale);
      expect(frontal.scale).toBeLessThanOrEqual(s.maxScale);
      expect(Math.abs(turned.shiftX - frontal.shiftX)).toBeLessThanOrEqual(LIVE_TURN_MOVE.shift);
      expect(Math.abs(turned.shiftY - frontal.shiftY)).toBeLessThanOrEqual(LIVE_TURN_MOVE.shift);
      expect(Math.abs(turned.scale / frontal.scale - 1)).toBeLessThanOrEqual(LIVE_TURN_MOVE.scale + 1e-12);
      expect([frontal.roll, frontal.tilt, turned.roll, turned.tilt]).toEqual([0, 0, 0, 0]);
    }
  });
});

describe('summarizeLiveness', () => {
  const settings = { seed: 1 } as unknown as LivenessSettings;
  const spoof = (attempts: number, rejected: number) => ({
    ...emptySpoofTally(),
    attempts,
    rejected,
    byMove: { shift: { attempts, rejected } },
  });
  type Attempt = [passed: boolean, end: string, challengeMs: number | null];
  const run = (name: string, live: Attempt[], s = spoof(0, 0), frameMs: number[] = []): LivenessPersonRun => ({
    name,
    photos: 10,
    frontal: live.length > 0 || s.attempts > 0 ? `${name}_0001.jpg` : null,
    live: live.map(([passed, end, challengeMs], i) => ({
      side: i === 0 ? 'left' : 'right',
      photo: `${name}_000${i + 2}.jpg`,
      chosenChange: 0.2,
      passed,
      end,
      challengeMs,
    })),
    spoof: s,
    spoofFramesWithoutOneFace: 0,
    frameMs,
  });

  it('has the issue’s keys, rates as fractions, the goals met or missed, and the failures by how they ended', () => {
    const r = summarizeLiveness(
      [
        run(
          'A',
          [
            [true, 'granted', 30],
            [false, 'wrong-side', null],
          ],
          spoof(100, 100),
          [10, 20, 30],
        ),
        run('B', [[true, 'granted', 50]], spoof(100, 97), [40]),
        run('C', []),
        run('D', [], spoof(0, 0)),
      ],
      settings,
      12,
    );
    expect(Object.keys(r).slice(0, 6)).toEqual([
      'people',
      'liveAttempts',
      'spoofAttempts',
      'livePassRate',
      'spoofRejectRate',
      'medianChallengeMs',
    ]);
    expect(r).toMatchObject({ people: 4, liveAttempts: 3, spoofAttempts: 200, medianChallengeMs: 40 });
    expect(r.livePassRate).toBeCloseTo(2 / 3, 12);
    expect(r.spoofRejectRate).toBeCloseTo(0.985, 12);
    expect(r.goals).toEqual([
      { what: 'spoof attempts rejected', value: r.spoofRejectRate, goal: LIVENESS_GOALS.spoofRejectRate, met: false },
      { what: 'live turns passed', value: r.livePassRate, goal: LIVENESS_GOALS.livePassRate, met: false },
    ]);
    expect(r.details).toMatchObject({
      withoutFrontal: ['C', 'D'],
      withoutTurn: [],
      livePassed: 2,
      liveFailures: { 'wrong-side': 1 },
      spoofRejected: 197,
      spoofByMove: [{ move: 'shift', attempts: 200, rejectRate: 0.985 }],
      spoofPeopleGranted: 1,
      spoofWorstPerson: { name: 'B', attempts: 100, rejectRate: 0.97 },
      frames: 4,
      medianFrameMs: 25,
      seconds: 12,
    });
    expect(r.persons[0]).toMatchObject({ name: 'A', frames: 3, medianFrameMs: 20 });
    expect(r.persons[0]).not.toHaveProperty('frameMs');
  });

  it('meets the goals at 99 % and 95 %; without attempts the rates are null and the goals not met', () => {
    const met = summarizeLiveness(
      [run('A', [...Array.from({ length: 19 }, (): Attempt => [true, 'granted', 30]), [false, 'idle', null]], spoof(100, 99))],
      settings,
      1,
    );
    expect(met.goals.map((g) => g.met)).toEqual([true, true]);
    const none = summarizeLiveness([run('C', [])], settings, 1);
    expect(none).toMatchObject({ livePassRate: null, spoofRejectRate: null, medianChallengeMs: null });
    expect(none.details.spoofWorstPerson).toBeNull();
    expect(none.goals.map((g) => g.met)).toEqual([false, false]);
  });
});

describe('--parts liveness', () => {
  const parse = (argv: string[]) => {
    const o = parseOptions(argv, root);
    if (o === 'help') throw new Error('help');
    return o;
  };

  it('runs alone without the page; the default run includes it; --data, --people, --max-people and --seed reach it', () => {
    const o = parse(['--parts', 'liveness', '--data', '/x/lfw', '--people', '/x/people.txt', '--max-people', '10', '--seed', '3']);
    expect(o).toMatchObject({ parts: ['liveness'], data: '/x/lfw', people: '/x/people.txt', maxPeople: 10, seed: 3 });
    expect(needsPage(o.parts)).toBe(false);
    expect(needsPage(['pairs', 'liveness'])).toBe(false);
    expect(needsPage(['liveness', 'accuracy'])).toBe(true);
    expect(parse([]).parts).toEqual([...PARTS]);
    expect(PARTS).toContain('liveness');
    expect(() => parse(['--parts', 'lively'])).toThrow(
      /--parts lively: expected speed or verify or import or pairs or liveness or accuracy/,
    );
  });
});

describe('planLivenessPeople', () => {
  /** An LFW-layout folder: each person with `n` (empty) photos; and a people file naming them and one who is absent. */
  async function faceSet(counts: Record<string, number>) {
    const dir = await temp();
    for (const [name, n] of Object.entries(counts)) {
      await mkdir(path.join(dir, name));
      for (let i = 1; i <= n; i++) await writeFile(path.join(dir, name, `${name}_${String(i).padStart(4, '0')}.jpg`), '');
      await writeFile(path.join(dir, name, 'notes.txt'), '');
    }
    const people = path.join(dir, 'people.tsv');
    await writeFile(people, ['name\timages', ...Object.keys(counts).map((n) => `${n}\t${counts[n]}`), 'Nobody_Here\t9'].join('\n'));
    return { dir, people };
  }

  it('keeps people with ≥ 5 JPEG photos, at most the first 20 of each, in name order; a seeded choice with --max-people', async () => {
    const counts: Record<string, number> = { Dan: 6, Ann: 25, Bob: 4, Cid: 5, Eve: 7, Fay: 8 };
    const { dir, people } = await faceSet(counts);
    const all = await planLivenessPeople(dir, people, 0, 1);
    expect(all.map((p) => p.name)).toEqual(['Ann', 'Cid', 'Dan', 'Eve', 'Fay']);
    expect(all[0]!.photos).toHaveLength(LIVENESS_MAX_PHOTOS);
    expect(all[0]!.photos[0]).toBe(path.join(dir, 'Ann', 'Ann_0001.jpg'));
    expect(all[1]!.photos).toHaveLength(5);
    const two = (seed: number) => planLivenessPeople(dir, people, 2, seed).then((ps) => ps.map((p) => p.name));
    const a = await two(1);
    expect(a).toHaveLength(2);
    expect(a).toEqual([...a].sort());
    expect(await two(1)).toEqual(a);
    const choices = new Set<string>();
    for (let seed = 0; seed < 12; seed++) choices.add((await two(seed)).join());
    expect(choices.size).toBeGreaterThan(1);
    await expect(planLivenessPeople(dir, people, 0, 1, 30)).rejects.toThrow(/no people of .* have ≥ 30 JPEG photos/);
  });
});

const haveData = existsSync(LFW_DIR) && existsSync(path.join(LFW_META_DIR, 'people-dev-test.tsv'));

describe.skipIf(!haveData)('npm run bench -- --parts liveness (reads ../shared/data)', () => {
  it('on 2 seeded dev-test people: latest.json liveness, its report section, no page, no browser', async () => {
    const out = await temp();
    const before = process.exitCode;
    await main(['--parts', 'liveness', '--max-people', '2', '--seed', '9', '--out', out], root);
    expect(process.exitCode).toBe(before);
    const report = JSON.parse(await readFile(path.join(out, 'latest.json'), 'utf8')) as BenchReport;
    expect(report.errors).toEqual([]);
    expect(report.parts.map((p) => p.part)).toEqual(['liveness']);
    expect(report.machine.browser).toBeNull();
    expect(report.estimate?.parts.map((p) => p.part)).toEqual(['liveness']);
    const l = report.liveness!;
    expect(l.people).toBe(2);
    expect(l.persons.map((p) => p.name)).toEqual([...l.persons.map((p) => p.name)].sort());
    expect(l.liveAttempts).toBe(l.persons.reduce((n, p) => n + p.live.length, 0));
    expect(l.spoofAttempts).toBe(l.persons.reduce((n, p) => n + p.spoof.attempts, 0));
    // Each person with a frontal photo: the 51 poses of the sweep, every ordered pair, both sides.
    const withFrontal = l.persons.filter((p) => p.frontal !== null).length;
    expect(l.spoofAttempts + l.details.spoofNotArmed).toBe(withFrontal * 51 * 50 * 2);
    expect(l.settings.spoofPoses).toBe(51);
    expect(l.spoofRejectRate).toBeGreaterThanOrEqual(LIVENESS_GOALS.spoofRejectRate);
    for (const x of [l.livePassRate, l.spoofRejectRate]) if (x !== null) expect(x >= 0 && x <= 1).toBe(true);
    expect(l.details.medianFrameMs).toBeGreaterThan(0);
    if (l.details.livePassed > 0) expect(l.medianChallengeMs).toBeGreaterThan(0);
    const md = await readFile(path.join(out, 'latest.md'), 'utf8');
    expect(md).toContain('## Liveness: the head-turn check against a photo');
    expect(md).toContain(`| spoof attempts rejected | ${l.spoofAttempts} |`);
    expect(md).not.toContain('## Speed');
  });
});
