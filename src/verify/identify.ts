/**
 * Identification among several enrolled people, on plain arrays (no tf.js). The frame is scored
 * against every person's verification images in one batch; this splits the scores by owner and
 * applies the reference rule (decision.ts) to each person with their own thresholds:
 *
 *   nobody passes        → denied ('nobody')
 *   exactly one passes   → granted as that person ('single')
 *   several pass         → the one with the highest verification share, granted only when it
 *                          beats the runner-up's share by at least `margin` ('margin'); otherwise
 *                          denied ('ambiguous')
 *
 * With one person this is the reference rule itself.
 */
import { decide, type Decision, type Thresholds } from './decision';

export interface PersonRule {
  readonly id: string;
  /** Overrides of the global thresholds for this person. */
  readonly thresholds?: Partial<Thresholds>;
}

export interface PersonDecision extends Decision {
  readonly person: string;
}

export type IdentificationReason = 'single' | 'margin' | 'ambiguous' | 'nobody' | 'no-images';

export interface Identification {
  /** Each person with at least one verification image, in the order of `people`. */
  readonly people: readonly PersonDecision[];
  /** The person with the highest verification share (the granted one when granted); null without images. */
  readonly best: PersonDecision | null;
  /** The runner-up by verification share, when there are two or more people. */
  readonly runnerUp: PersonDecision | null;
  readonly granted: boolean;
  /** Who is granted, or null. */
  readonly person: string | null;
  readonly reason: IdentificationReason;
}

/** The thresholds of `person`: their own overrides over the global ones. */
export function thresholdsOf(person: PersonRule | undefined, global: Thresholds): Thresholds {
  return {
    detectionThreshold: person?.thresholds?.detectionThreshold ?? global.detectionThreshold,
    verificationThreshold: person?.thresholds?.verificationThreshold ?? global.verificationThreshold,
  };
}

/**
 * `scores[i]` is the frame against verification image i, owned by `owners[i]`. People without
 * images are left out; images of unknown owners are ignored. Ties on the verification share go to
 * the person listed first (stable), and a tie is never a lead: with several passing it is ambiguous.
 */
export function identify(
  scores: readonly number[],
  owners: readonly string[],
  people: readonly PersonRule[],
  global: Thresholds,
  margin: number,
): Identification {
  if (scores.length !== owners.length) throw new Error(`identify: ${scores.length} scores but ${owners.length} owners`);
  const decisions: PersonDecision[] = [];
  for (const p of people) {
    const mine = scores.filter((_, i) => owners[i] === p.id);
    if (mine.length > 0) decisions.push({ person: p.id, ...decide(mine, thresholdsOf(p, global)) });
  }
  const ranked = [...decisions].sort((a, b) => b.verification - a.verification);
  const result = (best: PersonDecision | null, person: string | null, reason: IdentificationReason): Identification => ({
    people: decisions,
    best,
    runnerUp: ranked.find((d) => d !== best) ?? null,
    granted: person !== null,
    person,
    reason,
  });
  if (ranked.length === 0) return result(null, null, 'no-images');
  const passing = ranked.filter((d) => d.granted);
  if (passing.length === 0) return result(ranked[0]!, null, 'nobody');
  const top = passing[0]!;
  if (passing.length === 1) return result(top, top.person, 'single');
  // Shares are k/N fractions: a lead equal to the margin counts despite rounding.
  const lead = top.verification - passing[1]!.verification;
  if (lead > 0 && lead >= margin - 1e-9) return result(top, top.person, 'margin');
  return result(top, null, 'ambiguous');
}
