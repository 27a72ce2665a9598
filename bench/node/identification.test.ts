import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { identifyAttempt, IDENT_ENROLLED, IDENT_OTHERS } from '../common/identification';
import type { Condition, IdentificationResult } from '../common/types';
import { enrolledCount, identificationReport, planIdentification } from './identification';
import { needsPage, parseOptions, PARTS } from './options';

let dir: string;
let peopleFile: string;
/** Photos per person: eight people with ≥ 20, twenty with fewer, one listed but not on disk. */
const sizes: Record<string, number> = Object.fromEntries([
  ...Array.from({ length: 8 }, (_, i) => [`Big_${i}`, 20 + i] as const),
  ...Array.from({ length: 20 }, (_, i) => [`Small_${String(i).padStart(2, '0')}`, 1 + (i % 7)] as const),
]);

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'bench-ident-'));
  for (const [name, n] of Object.entries(sizes)) {
    await mkdir(path.join(dir, name));
    for (let k = 1; k <= n; k++) await writeFile(path.join(dir, name, `${name}_${String(k).padStart(4, '0')}.jpg`), '');
  }
  peopleFile = path.join(dir, 'people.tsv');
  await writeFile(peopleFile, ['name\timages', ...Object.keys(sizes).map((n) => `${n}\t${sizes[n]}`), 'Not_On_Disk\t3'].join('\n'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const options = (o: Partial<{ maxPeople: number; maxTest: number; seed: number }> = {}) => ({
  data: dir,
  people: peopleFile,
  minPhotos: 20,
  maxPeople: o.maxPeople ?? 0,
  maxTest: o.maxTest ?? 0,
  seed: o.seed ?? 42,
});

describe('planIdentification', () => {
  it("enrols the accuracy part's first five targets and picks others from everyone else on disk", async () => {
    const plan = await planIdentification(options());
    expect(plan.enrolled.map((t) => t.name)).toEqual(['Big_0', 'Big_1', 'Big_2', 'Big_3', 'Big_4']);
    expect(plan.enrolled[0]).toMatchObject({ anchors: expect.any(Array), test: expect.any(Array) });
    expect(plan.enrolled[2]!.test).toHaveLength(22 - 15);
    expect(plan.others).toHaveLength(IDENT_OTHERS.people);
    const enrolled = new Set(plan.enrolled.map((t) => t.name));
    for (const t of plan.others) {
      expect(enrolled.has(t.name)).toBe(false);
      expect(t.name).not.toBe('Not_On_Disk');
      expect(t.test.length).toBe(IDENT_OTHERS.photos);
      expect(t.test[0]).toBe(`${t.name}_0001.jpg`);
    }
    // Seeded: the same seed gives the same people.
    expect((await planIdentification(options())).others).toEqual(plan.others);
    expect((await planIdentification(options({ seed: 1 }))).others.map((t) => t.name)).not.toEqual(plan.others.map((t) => t.name));
  });

  it('follows --max-people (at most five enrolled) and --max-test', async () => {
    expect(enrolledCount(0)).toBe(IDENT_ENROLLED);
    expect(enrolledCount(3)).toBe(3);
    expect(enrolledCount(8)).toBe(IDENT_ENROLLED);
    const plan = await planIdentification(options({ maxPeople: 2, maxTest: 3 }));
    expect(plan.enrolled.map((t) => [t.name, t.test.length])).toEqual([
      ['Big_0', 3],
      ['Big_1', 3],
    ]);
    // People with many photos who are not enrolled may attempt as non-enrolled.
    const all = await planIdentification({ ...options({ maxPeople: 2 }), seed: 3 });
    expect(all.others.every((t) => t.name !== 'Big_0' && t.name !== 'Big_1')).toBe(true);
  });
});

describe('identificationReport', () => {
  const T = { detectionThreshold: 0.5, verificationThreshold: 0.5 };
  const people = ['A', 'B'];
  const owners = ['A', 'A', 'B', 'B'];
  /** A result whose attempts score as asked: per attempt, each person's detections out of 2. */
  const result = (condition: Condition, cross: boolean, rows: [string, boolean, number, number][]): IdentificationResult => ({
    condition,
    cross,
    people,
    attempts: rows.map(([person, enrolled, a, b], i) =>
      identifyAttempt(
        { person, file: `${i}.jpg`, enrolled },
        [a > 0 ? 0.9 : 0.1, a > 1 ? 0.9 : 0.1, b > 0 ? 0.9 : 0.1, b > 1 ? 0.9 : 0.1],
        owners,
        people,
        T,
        0.25,
      ),
    ),
    counts: {
      anchors: 4,
      positives: 4,
      negatives: 8,
      verification: 4,
      trainPairs: 10,
      testPairs: 4,
      positivePairs: 4,
      bundledNegativePairs: 6,
      crossPairs: 4,
    },
    history: [],
    calibration: null,
    describeSeconds: 1,
    negativeSeconds: 0.5,
    trainSeconds: 2,
    scoreSeconds: 0.5,
    medianStepMs: 3,
    leakedTensors: 0,
  });
  const plan = {
    enrolled: people.map((name) => ({ name, anchors: [], positives: [], verification: [], test: ['x', 'y'] })),
    others: [{ name: 'C', anchors: [], positives: [], verification: [], test: ['z', 'w'] }],
  };
  const o = { ...options(), capturesPerPhoto: 2, samplesPerClass: 8 };

  it('gives the plain rates at the top, the same camera beside them and the run without cross pairs apart', () => {
    const r = identificationReport(
      plan,
      [
        // A granted, B granted as A (a wrong-person grant), C denied, C granted as B.
        result('plain', true, [
          ['A', true, 2, 0],
          ['B', true, 2, 0],
          ['C', false, 0, 0],
          ['C', false, 0, 2],
        ]),
        result('plain', false, [
          ['A', true, 2, 0],
          ['B', true, 0, 2],
          ['C', false, 0, 0],
          ['C', false, 0, 0],
        ]),
        result('sameCamera', true, [
          ['A', true, 2, 0],
          ['B', true, 0, 2],
          ['C', false, 2, 2],
          ['C', false, 0, 0],
        ]),
      ],
      o,
      12,
    );
    expect(r).toMatchObject({
      people: 2,
      attempts: { enrolled: 2, nonEnrolled: 2 },
      rank1: 0.5,
      grantedAsSelf: 0.5,
      wrongPersonGrants: 0.5,
    });
    expect(r.nonEnrolledFar).toBe(0.5);
    expect(r.sameCamera).toEqual({ grantedAsSelf: 1, wrongPersonGrants: 0, nonEnrolledFar: 0 });
    expect(r.goals.plain.map((g) => g.met)).toEqual([false, false, false]);
    expect(r.goals.sameCamera!.map((g) => g.met)).toEqual([true, true, true]);
    expect(r.withoutCross).toEqual({ rank1: 1, grantedAsSelf: 1, wrongPersonGrants: 0, nonEnrolledFar: 0, sameCamera: null });
    expect(r.settings.conditions).toEqual(['plain', 'sameCamera']);
    expect(r.runs).toHaveLength(3);
    expect(r.runs[0]).not.toHaveProperty('leakedTensors');
    expect(r.runs[0]!.byPerson.find((p) => p.person === 'B')!.grantedAsOther).toEqual({ A: 1 });
  });

  it('needs the plain run with cross pairs', () => {
    expect(() => identificationReport(plan, [result('plain', false, [['A', true, 2, 0]])], o, 1)).toThrow(/plain run/);
  });
});

describe('--parts identification', () => {
  it("is a part of its own, run in the bench page, and one of the full run's", () => {
    const o = parseOptions(['--parts', 'identification'], '/repo');
    expect(o === 'help' ? null : o.parts).toEqual(['identification']);
    expect(needsPage(['identification'])).toBe(true);
    expect(PARTS).toContain('identification');
  });
});
