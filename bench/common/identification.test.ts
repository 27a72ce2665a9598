import { describe, expect, it } from 'vitest';
import {
  checkIdentificationGoals,
  chooseOthers,
  identificationByPerson,
  identificationRates,
  identifyAttempt,
  rank1Hit,
  IDENT_OTHERS,
  type Candidate,
  type IdentAttempt,
} from './identification';

const T = { detectionThreshold: 0.5, verificationThreshold: 0.5 };
const people = ['ann', 'bob', 'cy'];
/** Four verification captures each. */
const owners = people.flatMap((p) => [p, p, p, p]);

/** Scores giving each person `k` of 4 detections. */
const scoresFor = (...ks: number[]) => ks.flatMap((k) => [0, 1, 2, 3].map((i) => (i < k ? 0.9 : 0.1)));

const attempt = (person: string, enrolled: boolean, scores: number[] | null, file = 'x.jpg'): IdentAttempt =>
  identifyAttempt({ person, file, enrolled }, scores, owners, people, T, 0.25);

describe('chooseOthers', () => {
  const candidates: Candidate[] = Array.from({ length: 30 }, (_, i) => ({
    name: `P${String(i).padStart(2, '0')}`,
    photos: Array.from({ length: 1 + (i % 8) }, (_, k) => `P${i}_${k}.jpg`),
  }));

  it('takes a seeded choice of people not enrolled, in name order, each with their first photos as test photos', () => {
    const enrolled = ['P00', 'P01', 'P02'];
    const a = chooseOthers(candidates, enrolled, 42);
    expect(a).toHaveLength(IDENT_OTHERS.people);
    expect(a.map((t) => t.name)).toEqual([...a.map((t) => t.name)].sort());
    for (const t of a) {
      expect(enrolled).not.toContain(t.name);
      const c = candidates.find((x) => x.name === t.name)!;
      expect(c.photos.length).toBeGreaterThanOrEqual(IDENT_OTHERS.photos);
      expect(t.test).toEqual(c.photos.slice(0, IDENT_OTHERS.photos));
      expect([...t.anchors, ...t.positives, ...t.verification]).toEqual([]);
    }
    // Same seed, same choice (whatever the candidates' order); another seed, another choice.
    expect(chooseOthers([...candidates].reverse(), enrolled, 42)).toEqual(a);
    expect(chooseOthers(candidates, enrolled, 7).map((t) => t.name)).not.toEqual(a.map((t) => t.name));
  });

  it('takes everyone left when there are fewer, and skips people with fewer photos than it takes', () => {
    // P00–P04 have 1–5 photos.
    const few = [...candidates.slice(0, 5), { name: 'Empty', photos: [] }];
    expect(chooseOthers(few, ['P03'], 1, 10, 2).map((t) => t.name)).toEqual(['P01', 'P02', 'P04']);
    expect(chooseOthers(few, ['P03'], 1, 10, 2).every((t) => t.test.length === 2)).toBe(true);
    expect(chooseOthers(few, [], 1, 10, 0).map((t) => t.name)).toContain('Empty');
  });
});

describe('identifyAttempt', () => {
  it("gives each enrolled person's share and the app rule's verdict", () => {
    const a = attempt('ann', true, scoresFor(4, 1, 0));
    expect(a).toMatchObject({ noFace: false, shares: [1, 0.25, 0], grantedAs: 'ann', reason: 'single' });
    // Two pass, the lead is 0.25 = the margin: granted to the best.
    expect(attempt('bob', true, scoresFor(3, 4, 0))).toMatchObject({ grantedAs: 'bob', reason: 'margin' });
    // Two pass with a lead below the margin: denied.
    expect(attempt('bob', true, scoresFor(4, 4, 0))).toMatchObject({ grantedAs: null, reason: 'ambiguous' });
    expect(attempt('cy', true, scoresFor(1, 2, 2))).toMatchObject({ grantedAs: null, reason: 'nobody', shares: [0.25, 0.5, 0.5] });
  });

  it('denies a frame without a face', () => {
    expect(attempt('ann', true, null)).toEqual({
      person: 'ann',
      file: 'x.jpg',
      enrolled: true,
      noFace: true,
      shares: [0, 0, 0],
      grantedAs: null,
      reason: 'no-face',
    });
  });
});

describe('rank1Hit', () => {
  it("is a hit only when the person's own share is strictly the highest", () => {
    expect(rank1Hit(people, attempt('ann', true, scoresFor(2, 1, 1)))).toBe(true);
    expect(rank1Hit(people, attempt('ann', true, scoresFor(2, 2, 1)))).toBe(false); // a tie
    expect(rank1Hit(people, attempt('ann', true, scoresFor(0, 0, 0)))).toBe(false); // all zeros
    expect(rank1Hit(people, attempt('cy', true, scoresFor(1, 1, 0)))).toBe(false);
    expect(rank1Hit(people, attempt('ann', true, null))).toBe(false);
    expect(rank1Hit(people, attempt('dee', false, scoresFor(4, 0, 0)))).toBe(false); // not enrolled
  });
});

describe('identificationRates', () => {
  const attempts = [
    attempt('ann', true, scoresFor(4, 0, 0), '1'), // granted as self
    attempt('ann', true, scoresFor(3, 0, 0), '2'), // granted as self
    attempt('ann', true, scoresFor(1, 4, 0), '3'), // granted as bob: a wrong-person grant
    attempt('bob', true, scoresFor(0, 2, 0), '1'), // rank-1 but denied (nobody passes)
    attempt('bob', true, null, '2'), // no face
    attempt('dee', false, scoresFor(0, 0, 3), '1'), // non-enrolled granted as cy
    attempt('dee', false, scoresFor(1, 0, 0), '2'),
    attempt('eve', false, scoresFor(4, 4, 0), '1'), // ambiguous: denied
    attempt('eve', false, null, '2'),
  ];

  it('counts rank-1, granted as self, wrong-person grants and non-enrolled grants over their own attempts', () => {
    const r = identificationRates(people, attempts);
    expect(r.enrolledAttempts).toBe(5);
    expect(r.nonEnrolledAttempts).toBe(4);
    expect(r.counts).toEqual({
      rank1: 3,
      grantedAsSelf: 2,
      wrongPerson: 1,
      nonEnrolledGranted: 1,
      noFace: { enrolled: 1, nonEnrolled: 1 },
    });
    expect(r.rank1).toBeCloseTo(3 / 5);
    expect(r.grantedAsSelf).toBeCloseTo(2 / 5);
    expect(r.wrongPersonGrants).toBeCloseTo(1 / 5);
    expect(r.nonEnrolledFar).toBeCloseTo(1 / 4);
    expect(r.reasons.enrolled).toEqual({ single: 3, nobody: 1, 'no-face': 1 });
    // The wrong people's best shares, frames with a face only: ann's attempts 0, 0, 1 (bob); bob's 0; dee's 0.75 and 0.25; eve's 1.
    expect(r.otherShares.enrolled).toEqual({ attempts: 4, mean: 0.25, max: 1, aboveZero: 1 });
    expect(r.otherShares.nonEnrolled).toEqual({ attempts: 3, mean: 2 / 3, max: 1, aboveZero: 3 });
    expect(r.reasons.nonEnrolled).toEqual({ single: 1, nobody: 1, ambiguous: 1, 'no-face': 1 });
  });

  it('gives null rates without attempts, and those goals are not met', () => {
    const r = identificationRates(
      people,
      attempts.filter((a) => a.enrolled),
    );
    expect(r.nonEnrolledFar).toBeNull();
    const goals = checkIdentificationGoals(r);
    expect(goals.find((g) => g.what === 'non-enrolled FAR')).toMatchObject({ value: null, met: false });
  });

  it('checks the goals with their bounds', () => {
    const r = identificationRates(people, attempts);
    expect(checkIdentificationGoals(r).map((g) => [g.what, g.met])).toEqual([
      ['wrong-person grants', false],
      ['non-enrolled FAR', false],
      ['granted as self', false],
    ]);
    const good = identificationRates(people, [attempt('ann', true, scoresFor(4, 0, 0)), attempt('dee', false, scoresFor(0, 0, 0))]);
    expect(checkIdentificationGoals(good).every((g) => g.met)).toBe(true);
    // The bounds are inclusive.
    expect(checkIdentificationGoals(good, { wrongPersonGrants: 0, nonEnrolledFar: 0, grantedAsSelf: 1 }).every((g) => g.met)).toBe(true);
  });

  it('breaks the attempts down by person, with whom they were granted as', () => {
    const rows = identificationByPerson(people, attempts);
    expect(rows.map((r) => r.person)).toEqual(['ann', 'bob', 'dee', 'eve']);
    expect(rows[0]).toEqual({
      person: 'ann',
      enrolled: true,
      attempts: 3,
      noFace: 0,
      rank1: 2,
      grantedAsSelf: 2,
      grantedAsOther: { bob: 1 },
    });
    expect(rows[2]).toMatchObject({ person: 'dee', enrolled: false, grantedAsSelf: 0, grantedAsOther: { cy: 1 } });
    expect(rows[3]).toMatchObject({ noFace: 1, grantedAsOther: {} });
  });
});
