/**
 * The identification part's plain pieces (issue #20, several people): which non-enrolled people
 * attempt, one attempt's identification with the app's rule (src/verify identify), and the rates
 * the report gives. Plain arrays, no tf.js: the page (bench/page/identification.ts) scores the
 * frames, the Node side (bench/node/identification.ts) plans and reports.
 */
import { deriveSeed, shuffled } from '../../src/data';
import { identify, type IdentificationReason, type Thresholds } from '../../src/verify';
import type { TargetPlan } from '../../tools/lfw';

/** People enrolled into one model (the first of the accuracy part's targets, in name order). */
export const IDENT_ENROLLED = 5;

/**
 * Non-enrolled attempts: a seeded choice of at most this many other people among those with at
 * least this many photos, that many photos each (the first in filename order).
 */
export const IDENT_OTHERS = { people: 10, photos: 5 } as const;

/** Issue #20's goals: fractions of the attempts. */
export const IDENTIFICATION_GOALS: IdentificationGoals = { wrongPersonGrants: 0.005, nonEnrolledFar: 0.005, grantedAsSelf: 0.97 };

export interface IdentificationGoals {
  readonly wrongPersonGrants: number;
  readonly nonEnrolledFar: number;
  readonly grantedAsSelf: number;
}

/** Salt of the non-enrolled people's seeded choice (deriveSeed(--seed, salt)). */
const OTHERS_SALT = 0x1de27;

/** A person of the people file found in the face set, with their photos in filename order. */
export interface Candidate {
  readonly name: string;
  readonly photos: readonly string[];
}

/**
 * The non-enrolled people: of `candidates` the ones not enrolled with at least `photos` photos (so
 * that each gives as many attempts), a seeded choice of at most `people`, returned in name order,
 * each with their first `photos` photos (filename order) as test photos and no enrolment photos.
 */
export function chooseOthers(
  candidates: readonly Candidate[],
  enrolled: readonly string[],
  seed: number,
  people: number = IDENT_OTHERS.people,
  photos: number = IDENT_OTHERS.photos,
): TargetPlan[] {
  const skip = new Set(enrolled);
  const pool = [...candidates]
    .filter((c) => !skip.has(c.name) && c.photos.length >= photos)
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return shuffled(pool, deriveSeed(seed, OTHERS_SALT))
    .slice(0, people)
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((c) => ({ name: c.name, anchors: [], positives: [], verification: [], test: c.photos.slice(0, photos) }));
}

/** One attempt: a photo's frame against every enrolled person's verification captures. */
export interface IdentAttempt {
  /** Who is in the photo. */
  readonly person: string;
  readonly file: string;
  /** Whether that person is one of the enrolled. */
  readonly enrolled: boolean;
  /** No face was found in the frame: the app denies the attempt. */
  readonly noFace: boolean;
  /** The verification share (detections / N) of each enrolled person, in the order of the run's `people` (all 0 when no face). */
  readonly shares: readonly number[];
  /** Whom the app grants, or null. */
  readonly grantedAs: string | null;
  readonly reason: IdentificationReason | 'no-face';
}

/**
 * One attempt decided by the app's identification rule: `scores[i]` is the frame against
 * verification capture i, owned by `owners[i]`; each person's share with the global thresholds,
 * then `identify`'s single / margin / ambiguous / nobody. `scores` null: no face in the frame.
 */
export function identifyAttempt(
  who: { readonly person: string; readonly file: string; readonly enrolled: boolean },
  scores: readonly number[] | null,
  owners: readonly string[],
  people: readonly string[],
  thresholds: Thresholds,
  margin: number,
): IdentAttempt {
  if (scores === null) return { ...who, noFace: true, shares: people.map(() => 0), grantedAs: null, reason: 'no-face' };
  const id = identify(
    scores,
    owners,
    people.map((p) => ({ id: p })),
    thresholds,
    margin,
  );
  const share = new Map(id.people.map((d) => [d.person, d.verification]));
  return { ...who, noFace: false, shares: people.map((p) => share.get(p) ?? 0), grantedAs: id.person, reason: id.reason };
}

/**
 * Rank-1: the person's own verification share is the highest of all the enrolled people's,
 * strictly (a tie, all zeros included, is not a hit; a frame without a face is a miss).
 */
export function rank1Hit(people: readonly string[], a: IdentAttempt): boolean {
  const self = people.indexOf(a.person);
  if (!a.enrolled || a.noFace || self < 0) return false;
  const mine = a.shares[self]!;
  return a.shares.every((s, i) => i === self || s < mine);
}

export interface IdentificationRates {
  readonly enrolledAttempts: number;
  readonly nonEnrolledAttempts: number;
  /** Enrolled attempts whose own share is the highest (rank1Hit), over enrolled attempts. */
  readonly rank1: number | null;
  /** Enrolled attempts granted as themselves, over enrolled attempts. */
  readonly grantedAsSelf: number | null;
  /** Enrolled attempts granted as someone else, over enrolled attempts. */
  readonly wrongPersonGrants: number | null;
  /** Non-enrolled attempts granted as anyone, over non-enrolled attempts. */
  readonly nonEnrolledFar: number | null;
  readonly counts: {
    readonly rank1: number;
    readonly grantedAsSelf: number;
    readonly wrongPerson: number;
    readonly nonEnrolledGranted: number;
    readonly noFace: { readonly enrolled: number; readonly nonEnrolled: number };
  };
  /**
   * How close the wrong people came, over attempts with a face: enrolled attempts' highest share
   * of another enrolled person, non-enrolled attempts' highest share of anyone (what the pairs
   * across people should push down).
   */
  readonly otherShares: { readonly enrolled: ShareSummary; readonly nonEnrolled: ShareSummary };
  /** How the rule ended, per kind of attempt. */
  readonly reasons: {
    readonly enrolled: Readonly<Partial<Record<IdentAttempt['reason'], number>>>;
    readonly nonEnrolled: Readonly<Partial<Record<IdentAttempt['reason'], number>>>;
  };
}

export interface ShareSummary {
  readonly attempts: number;
  readonly mean: number | null;
  readonly max: number | null;
  /** Attempts where it is above 0 (at least one capture scored above the detection threshold). */
  readonly aboveZero: number;
}

export function shareSummary(xs: readonly number[]): ShareSummary {
  return {
    attempts: xs.length,
    mean: xs.length > 0 ? xs.reduce((a, b) => a + b, 0) / xs.length : null,
    max: xs.length > 0 ? Math.max(...xs) : null,
    aboveZero: xs.filter((x) => x > 0).length,
  };
}

/** An attempt's highest share among the enrolled people other than the person in it (everyone, for a non-enrolled person). */
export const otherShare = (people: readonly string[], a: IdentAttempt) => Math.max(0, ...a.shares.filter((_, i) => people[i] !== a.person));

const rate = (n: number, of: number) => (of > 0 ? n / of : null);

function countReasons(xs: readonly IdentAttempt[]): Partial<Record<IdentAttempt['reason'], number>> {
  const out: Partial<Record<IdentAttempt['reason'], number>> = {};
  for (const a of xs) out[a.reason] = (out[a.reason] ?? 0) + 1;
  return out;
}

/** The report's rates over one condition's attempts (`people`: the enrolled, in the order of the shares). */
export function identificationRates(people: readonly string[], attempts: readonly IdentAttempt[]): IdentificationRates {
  const enrolled = attempts.filter((a) => a.enrolled);
  const others = attempts.filter((a) => !a.enrolled);
  const counts = {
    rank1: enrolled.filter((a) => rank1Hit(people, a)).length,
    grantedAsSelf: enrolled.filter((a) => a.grantedAs === a.person).length,
    wrongPerson: enrolled.filter((a) => a.grantedAs !== null && a.grantedAs !== a.person).length,
    nonEnrolledGranted: others.filter((a) => a.grantedAs !== null).length,
    noFace: { enrolled: enrolled.filter((a) => a.noFace).length, nonEnrolled: others.filter((a) => a.noFace).length },
  };
  return {
    enrolledAttempts: enrolled.length,
    nonEnrolledAttempts: others.length,
    rank1: rate(counts.rank1, enrolled.length),
    grantedAsSelf: rate(counts.grantedAsSelf, enrolled.length),
    wrongPersonGrants: rate(counts.wrongPerson, enrolled.length),
    nonEnrolledFar: rate(counts.nonEnrolledGranted, others.length),
    counts,
    otherShares: {
      enrolled: shareSummary(enrolled.filter((a) => !a.noFace).map((a) => otherShare(people, a))),
      nonEnrolled: shareSummary(others.filter((a) => !a.noFace).map((a) => otherShare(people, a))),
    },
    reasons: { enrolled: countReasons(enrolled), nonEnrolled: countReasons(others) },
  };
}

export interface IdentificationGoal {
  readonly what: 'wrong-person grants' | 'non-enrolled FAR' | 'granted as self';
  readonly goal: number;
  /** 'max': the rate must be at most the goal; 'min': at least. */
  readonly bound: 'max' | 'min';
  readonly value: number | null;
  readonly met: boolean;
}

/** Issue #20's goals checked against one condition's rates (a rate with no attempts does not meet its goal). */
export function checkIdentificationGoals(r: IdentificationRates, goals: IdentificationGoals = IDENTIFICATION_GOALS): IdentificationGoal[] {
  const check = (what: IdentificationGoal['what'], value: number | null, goal: number, bound: 'max' | 'min'): IdentificationGoal => ({
    what,
    goal,
    bound,
    value,
    met: value !== null && (bound === 'max' ? value <= goal : value >= goal),
  });
  return [
    check('wrong-person grants', r.wrongPersonGrants, goals.wrongPersonGrants, 'max'),
    check('non-enrolled FAR', r.nonEnrolledFar, goals.nonEnrolledFar, 'max'),
    check('granted as self', r.grantedAsSelf, goals.grantedAsSelf, 'min'),
  ];
}

/** Per person: their attempts and how they ended (enrolled: own grants, rank-1 hits, grants as whom; others: grants). */
export interface IdentPersonRow {
  readonly person: string;
  readonly enrolled: boolean;
  readonly attempts: number;
  readonly noFace: number;
  readonly rank1: number;
  readonly grantedAsSelf: number;
  /** Grants as someone else (enrolled) or as anyone (not enrolled), by whom they were granted as. */
  readonly grantedAsOther: Readonly<Record<string, number>>;
}

export function identificationByPerson(people: readonly string[], attempts: readonly IdentAttempt[]): IdentPersonRow[] {
  const rows = new Map<string, { enrolled: boolean; xs: IdentAttempt[] }>();
  for (const a of attempts) {
    const row = rows.get(a.person) ?? { enrolled: a.enrolled, xs: [] };
    row.xs.push(a);
    rows.set(a.person, row);
  }
  return [...rows].map(([person, { enrolled, xs }]) => {
    const other: Record<string, number> = {};
    for (const a of xs) if (a.grantedAs !== null && a.grantedAs !== person) other[a.grantedAs] = (other[a.grantedAs] ?? 0) + 1;
    return {
      person,
      enrolled,
      attempts: xs.length,
      noFace: xs.filter((a) => a.noFace).length,
      rank1: xs.filter((a) => rank1Hit(people, a)).length,
      grantedAsSelf: xs.filter((a) => a.grantedAs === person).length,
      grantedAsOther: other,
    };
  });
}
