/**
 * The identification part (issue #20, several people): who enrols and who attempts, and the
 * report from the page's runs (bench/page/identification.ts). The page runs it on the accuracy
 * part's set-up (bench/page/accuracy.ts): the same frames, face crop, captures and jitter.
 *
 * - Enrolled: the accuracy part's first IDENT_ENROLLED targets (`--people` with ≥ `--min-photos`
 *   photos, in name order, `--max-people` caps them, `--max-test` their test photos), with the
 *   accuracy part's photo split.
 * - Not enrolled: a seeded choice (`--seed`) of IDENT_OTHERS.people other people of `--people`
 *   found in `--data` with at least IDENT_OTHERS.photos photos, their first IDENT_OTHERS.photos
 *   each (bench/common chooseOthers).
 * - Runs: per condition (plain; same camera unless `--same-camera off`), one model for all the
 *   enrolled trained with buildPeoplePairs, and the same without the pairs across people.
 */
import { DEFAULT_VERIFY_CONFIG } from '../../src/config';
import { DEFAULT_PEOPLE } from '../../src/data';
import { photosOf, planTargets, readPeopleFile, type TargetPlan } from '../../tools/lfw';
import {
  checkIdentificationGoals,
  chooseOthers,
  identificationByPerson,
  identificationRates,
  IDENT_ENROLLED,
  IDENT_OTHERS,
  IDENTIFICATION_GOALS,
  type Candidate,
  type IdentAttempt,
  type IdentificationGoal,
  type IdentificationGoals,
  type IdentificationRates,
  type IdentPersonRow,
} from '../common/identification';
import type { Condition, IdentificationResult } from '../common/types';
import type { BenchOptions } from './options';

export interface IdentificationPlan {
  readonly enrolled: readonly TargetPlan[];
  readonly others: readonly TargetPlan[];
}

/** How many people enrol for these options: IDENT_ENROLLED, or fewer with `--max-people`. */
export const enrolledCount = (maxPeople: number) => (maxPeople > 0 ? Math.min(maxPeople, IDENT_ENROLLED) : IDENT_ENROLLED);

/** The enrolled people (the accuracy part's targets) and the non-enrolled ones, from the face set on disk. */
export async function planIdentification(
  o: Pick<BenchOptions, 'data' | 'people' | 'minPhotos' | 'maxPeople' | 'maxTest' | 'seed'>,
): Promise<IdentificationPlan> {
  const enrolled = await planTargets(o.data, o.people, o.minPhotos, enrolledCount(o.maxPeople), o.maxTest);
  const candidates: Candidate[] = [];
  for (const name of new Set(await readPeopleFile(o.people))) {
    try {
      candidates.push({ name, photos: await photosOf(o.data, name) });
    } catch {
      // not in this face set
    }
  }
  return {
    enrolled,
    others: chooseOthers(
      candidates,
      enrolled.map((t) => t.name),
      o.seed,
    ),
  };
}

/** The four rates of one condition. */
export interface IdentificationNumbers {
  readonly rank1: number | null;
  readonly grantedAsSelf: number | null;
  readonly wrongPersonGrants: number | null;
  readonly nonEnrolledFar: number | null;
}

/** One run (condition × pairs) as latest.json keeps it. */
export interface IdentificationRunRow extends Omit<IdentificationResult, 'leakedTensors' | 'attempts'> {
  readonly rates: IdentificationRates;
  readonly goals: readonly IdentificationGoal[];
  readonly byPerson: readonly IdentPersonRow[];
  readonly attempts: readonly IdentAttempt[];
}

export interface IdentificationReport extends IdentificationNumbers {
  /** Enrolled people. */
  readonly people: number;
  /** Attempts per condition. */
  readonly attempts: { readonly enrolled: number; readonly nonEnrolled: number };
  /** The same rates in the same-camera condition (null with --same-camera off). */
  readonly sameCamera: Omit<IdentificationNumbers, 'rank1'> | null;
  /** Issue #20's goals, per condition (the model with the pairs across people). */
  readonly goals: { readonly plain: readonly IdentificationGoal[]; readonly sameCamera: readonly IdentificationGoal[] | null };
  /**
   * The same enrolment trained without the pairs across people (each person's pairs and the
   * bundled negatives only): what the hardest negatives did. Null when it did not run.
   */
  readonly withoutCross: (IdentificationNumbers & { readonly sameCamera: IdentificationNumbers | null }) | null;
  readonly enrolled: readonly { readonly name: string; readonly testPhotos: number }[];
  readonly nonEnrolled: readonly { readonly name: string; readonly photos: number }[];
  readonly settings: {
    readonly data: string;
    readonly peopleFile: string;
    readonly minPhotos: number;
    readonly maxPeople: number;
    readonly maxTest: number;
    readonly enrolledCount: number;
    readonly others: typeof IDENT_OTHERS;
    readonly margin: number;
    readonly thresholds: typeof DEFAULT_VERIFY_CONFIG;
    readonly goals: IdentificationGoals;
    readonly capturesPerPhoto: number;
    readonly samplesPerClass: number;
    readonly seed: number;
    readonly conditions: readonly Condition[];
  };
  /** Seconds of the page's set-up (frames placed, detected and described). */
  readonly setupSeconds: number;
  readonly runs: readonly IdentificationRunRow[];
}

const numbers = (r: IdentificationRates): IdentificationNumbers => ({
  rank1: r.rank1,
  grantedAsSelf: r.grantedAsSelf,
  wrongPersonGrants: r.wrongPersonGrants,
  nonEnrolledFar: r.nonEnrolledFar,
});

/** One page run with its rates, goals and per-person rows. */
export function identificationRow(r: IdentificationResult): IdentificationRunRow {
  const { leakedTensors: _, ...rest } = r;
  const rates = identificationRates(r.people, r.attempts);
  return { ...rest, rates, goals: checkIdentificationGoals(rates), byPerson: identificationByPerson(r.people, r.attempts) };
}

/** latest.json's `identification` from the page's runs (each condition with cross pairs; without, when run). */
export function identificationReport(
  plan: IdentificationPlan,
  results: readonly IdentificationResult[],
  o: Pick<BenchOptions, 'data' | 'people' | 'minPhotos' | 'maxPeople' | 'maxTest' | 'capturesPerPhoto' | 'samplesPerClass' | 'seed'>,
  setupSeconds: number,
): IdentificationReport {
  const runs = results.map(identificationRow);
  const find = (condition: Condition, cross: boolean) => runs.find((r) => r.condition === condition && r.cross === cross) ?? null;
  const plain = find('plain', true);
  if (!plain) throw new Error('the identification part has no plain run with the pairs across people');
  const same = find('sameCamera', true);
  const noCross = find('plain', false);
  const noCrossSame = find('sameCamera', false);
  const conditions = [...new Set(runs.map((r) => r.condition))];
  return {
    people: plan.enrolled.length,
    attempts: { enrolled: plain.rates.enrolledAttempts, nonEnrolled: plain.rates.nonEnrolledAttempts },
    ...numbers(plain.rates),
    sameCamera: same && {
      grantedAsSelf: same.rates.grantedAsSelf,
      wrongPersonGrants: same.rates.wrongPersonGrants,
      nonEnrolledFar: same.rates.nonEnrolledFar,
    },
    goals: { plain: plain.goals, sameCamera: same?.goals ?? null },
    withoutCross: noCross && { ...numbers(noCross.rates), sameCamera: noCrossSame && numbers(noCrossSame.rates) },
    enrolled: plan.enrolled.map((t) => ({ name: t.name, testPhotos: t.test.length })),
    nonEnrolled: plan.others.map((t) => ({ name: t.name, photos: t.test.length })),
    settings: {
      data: o.data,
      peopleFile: o.people,
      minPhotos: o.minPhotos,
      maxPeople: o.maxPeople,
      maxTest: o.maxTest,
      enrolledCount: enrolledCount(o.maxPeople),
      others: IDENT_OTHERS,
      margin: DEFAULT_PEOPLE.margin,
      thresholds: DEFAULT_VERIFY_CONFIG,
      goals: IDENTIFICATION_GOALS,
      capturesPerPhoto: o.capturesPerPhoto,
      samplesPerClass: o.samplesPerClass,
      seed: o.seed,
      conditions,
    },
    setupSeconds,
    runs,
  };
}
