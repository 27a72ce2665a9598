import { describe, expect, it } from 'vitest';
import { decide } from './decision';
import { identify } from './identify';

const T = { detectionThreshold: 0.5, verificationThreshold: 0.5 };
const people = [{ id: 'ann' }, { id: 'bob' }, { id: 'cy' }];

describe('identify', () => {
  it('with one person is the reference rule', () => {
    for (const scores of [
      [0.9, 0.9, 0.1],
      [0.9, 0.1],
      [0.2, 0.2],
    ]) {
      const id = identify(
        scores,
        scores.map(() => 'ann'),
        [{ id: 'ann' }],
        T,
        0.25,
      );
      const d = decide(scores, T);
      expect(id.granted).toBe(d.granted);
      expect(id.best).toEqual({ person: 'ann', ...d });
      expect(id.person).toBe(d.granted ? 'ann' : null);
    }
  });

  it('grants the only person who passes, whatever the others score below the rule', () => {
    const id = identify([0.9, 0.9, 0.2, 0.9, 0.1, 0.1], ['ann', 'ann', 'ann', 'bob', 'bob', 'bob'], people, T, 0.25);
    expect(id).toMatchObject({ granted: true, person: 'ann', reason: 'single' });
    expect(id.best!.verification).toBeCloseTo(2 / 3);
    expect(id.runnerUp!.person).toBe('bob');
    expect(id.people.map((p) => p.person)).toEqual(['ann', 'bob']); // cy has no images
  });

  it('denies when nobody passes, and still reports the best person’s k/N', () => {
    const id = identify([0.9, 0.1, 0.1, 0.1], ['ann', 'ann', 'bob', 'bob'], people, T, 0.25);
    expect(id).toMatchObject({ granted: false, person: null, reason: 'nobody' });
    expect(id.best).toMatchObject({ person: 'ann', detection: 1, n: 2 });
  });

  it('with several passing, grants the best only when it leads by the margin; a tie is ambiguous', () => {
    const owners = ['ann', 'ann', 'ann', 'ann', 'bob', 'bob', 'bob', 'bob'];
    // ann 4/4, bob 3/4: lead 0.25
    const lead = [0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.1];
    expect(identify(lead, owners, people, T, 0.25)).toMatchObject({ granted: true, person: 'ann', reason: 'margin' });
    expect(identify(lead, owners, people, T, 0.3)).toMatchObject({ granted: false, person: null, reason: 'ambiguous' });
    const tie = [0.9, 0.9, 0.9, 0.1, 0.9, 0.9, 0.9, 0.1];
    expect(identify(tie, owners, people, T, 0)).toMatchObject({ granted: false, reason: 'ambiguous' });
    // The order of people does not decide who leads.
    const bobLeads = [0.9, 0.9, 0.9, 0.1, 0.9, 0.9, 0.9, 0.9];
    expect(identify(bobLeads, owners, people, T, 0.25)).toMatchObject({ granted: true, person: 'bob' });
  });

  it('applies each person’s own thresholds over the global ones', () => {
    const owners = ['ann', 'ann', 'bob', 'bob'];
    const scores = [0.9, 0.9, 0.9, 0.9];
    const strictBob = [{ id: 'ann' }, { id: 'bob', thresholds: { detectionThreshold: 0.95 } }];
    expect(identify(scores, owners, strictBob, T, 0.25)).toMatchObject({ granted: true, person: 'ann', reason: 'single' });
    const strictBoth = [{ id: 'ann', thresholds: { verificationThreshold: 1 } }, strictBob[1]!];
    expect(identify(scores, owners, strictBoth, T, 0.25)).toMatchObject({ granted: false, reason: 'nobody' });
  });

  it('with no verification images denies, and refuses scores without owners', () => {
    expect(identify([], [], people, T, 0.25)).toMatchObject({ granted: false, best: null, reason: 'no-images' });
    expect(() => identify([0.9], [], people, T, 0.25)).toThrow(/owners/);
  });
});
