import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { listPeople, SamplingError, stepPairs, type PersonPhotos } from './sampling';

const LFW = path.resolve(__dirname, '../../../../shared/data/lfw');
const personOf = (photo: string) => photo.split('/')[0]!;

const PEOPLE: PersonPhotos[] = [
  { name: 'A', photos: ['A/A_1.jpg', 'A/A_2.jpg', 'A/A_3.jpg'] },
  { name: 'B', photos: ['B/B_1.jpg'] },
  { name: 'C', photos: ['C/C_1.jpg', 'C/C_2.jpg'] },
  { name: 'D', photos: ['D/D_1.jpg'] },
];

describe('stepPairs', () => {
  it('draws half same-person pairs of two distinct photos and half pairs of two distinct people', () => {
    for (let step = 0; step < 50; step++) {
      const pairs = stepPairs(PEOPLE, 7, step, 16);
      expect(pairs).toHaveLength(16);
      const same = pairs.filter((p) => p.label === 1);
      const different = pairs.filter((p) => p.label === 0);
      expect(same).toHaveLength(8);
      for (const p of same) {
        expect(personOf(p.a)).toBe(personOf(p.b));
        expect(p.a).not.toBe(p.b);
        expect(['A', 'C']).toContain(personOf(p.a)); // only people with two or more photos
      }
      for (const p of different) expect(personOf(p.a)).not.toBe(personOf(p.b));
    }
  });

  it('depends only on (seed, step): a resumed run draws what an uninterrupted one would', () => {
    expect(stepPairs(PEOPLE, 7, 12, 16)).toEqual(stepPairs(PEOPLE, 7, 12, 16));
    expect(stepPairs(PEOPLE, 7, 12, 16)).not.toEqual(stepPairs(PEOPLE, 7, 13, 16));
    expect(stepPairs(PEOPLE, 7, 12, 16)).not.toEqual(stepPairs(PEOPLE, 8, 12, 16));
  });

  it('covers every person and photo over many steps', () => {
    const seen = new Set<string>();
    for (let step = 0; step < 100; step++) for (const p of stepPairs(PEOPLE, 1, step, 4)) seen.add(p.a).add(p.b);
    expect([...seen].sort()).toEqual(PEOPLE.flatMap((p) => p.photos).sort());
  });

  it('refuses people from whom no pair of both kinds can be drawn', () => {
    expect(() => stepPairs([PEOPLE[0]!], 1, 0, 4)).toThrow(SamplingError);
    expect(() => stepPairs([PEOPLE[1]!, PEOPLE[3]!], 1, 0, 4)).toThrow(/two or more photos/);
    expect(() => stepPairs(PEOPLE, 1, 0, 1)).toThrow(/at least 2 pairs/);
  });
});

describe('listPeople', () => {
  it('lists the photos of the named people in an LFW folder, in filename order, skipping people it lacks', async () => {
    const people = await listPeople(LFW, ['Jacques_Chirac', 'Nobody_In_LFW', 'AJ_Cook']);
    expect(people.map((p) => p.name)).toEqual(['Jacques_Chirac', 'AJ_Cook']);
    expect(people[1]!.photos).toEqual(['AJ_Cook/AJ_Cook_0001.jpg']);
    const chirac = people[0]!.photos;
    expect(chirac.length).toBeGreaterThan(20);
    expect([...chirac].sort()).toEqual(chirac);
    expect(chirac.every((p) => p.startsWith('Jacques_Chirac/Jacques_Chirac_'))).toBe(true);
  });

  it('says so when too few people are left', async () => {
    await expect(listPeople(LFW, ['AJ_Cook', 'Nobody_In_LFW'])).rejects.toThrow(/at least two people/);
  });
});
