import { describe, expect, it } from 'vitest';
import { createHoldRepeater, repeatIntervalMs, type Scheduler } from './holdRepeater';

/** A manual clock: advance(ms) runs the interval callbacks that fall due. */
function fakeScheduler() {
  let now = 0;
  let nextId = 1;
  const timers = new Map<number, { fn: () => void; ms: number; next: number }>();
  const scheduler: Scheduler = {
    setInterval(fn, ms) {
      const id = nextId++;
      timers.set(id, { fn, ms, next: now + ms });
      return id;
    },
    clearInterval(h) {
      timers.delete(h as number);
    },
  };
  const advance = (ms: number) => {
    const end = now + ms;
    for (;;) {
      let due: { id: number; next: number } | null = null;
      for (const [id, t] of timers) if (t.next <= end && (!due || t.next < due.next)) due = { id, next: t.next };
      if (!due) break;
      const t = timers.get(due.id)!;
      now = t.next;
      t.next += t.ms;
      t.fn();
    }
    now = end;
  };
  return { scheduler, advance, active: () => timers.size };
}

describe('createHoldRepeater', () => {
  it('fires on press and then every interval while held (4/s for one second = 1 + 4)', () => {
    const clock = fakeScheduler();
    const fired: string[] = [];
    const r = createHoldRepeater<string>({ intervalMs: repeatIntervalMs(4), fire: (k) => void fired.push(k), scheduler: clock.scheduler });
    r.press('a');
    expect(fired).toEqual(['a']);
    clock.advance(1000);
    expect(fired).toHaveLength(5);
    r.release('a');
    clock.advance(1000);
    expect(fired).toHaveLength(5);
    expect(clock.active()).toBe(0);
    expect(r.held()).toBeNull();
  });

  it('ignores auto-repeat presses of the key already held', () => {
    const clock = fakeScheduler();
    let n = 0;
    const r = createHoldRepeater<string>({ intervalMs: 250, fire: () => void n++, scheduler: clock.scheduler });
    r.press('a');
    for (let i = 0; i < 20; i++) {
      clock.advance(30); // the OS repeats every ~30 ms
      r.press('a');
    }
    expect(n).toBe(1 + Math.floor(600 / 250));
    expect(clock.active()).toBe(1);
  });

  it('each quick tap is one capture', () => {
    const clock = fakeScheduler();
    let n = 0;
    const r = createHoldRepeater<string>({ intervalMs: 250, fire: () => void n++, scheduler: clock.scheduler });
    for (let i = 0; i < 5; i++) {
      r.press('a');
      clock.advance(40);
      r.release('a');
      clock.advance(40);
    }
    expect(n).toBe(5);
  });

  it('a quick tap fires even while the previous capture is still running', () => {
    const clock = fakeScheduler();
    let n = 0;
    const r = createHoldRepeater<string>({ intervalMs: 250, fire: () => (n++, new Promise(() => {})), scheduler: clock.scheduler });
    r.press('a');
    r.release('a');
    r.press('a');
    expect(n).toBe(2);
  });

  it('skips ticks while an async action is pending instead of queueing them', async () => {
    const clock = fakeScheduler();
    let n = 0;
    let resolve: () => void = () => {};
    const r = createHoldRepeater<string>({
      intervalMs: 250,
      fire: () => {
        n++;
        return new Promise<void>((res) => (resolve = res));
      },
      scheduler: clock.scheduler,
    });
    r.press('a');
    clock.advance(1000); // four ticks, all skipped: the first capture has not finished
    expect(n).toBe(1);
    resolve();
    await Promise.resolve();
    await Promise.resolve();
    clock.advance(250);
    expect(n).toBe(2);
    r.releaseAll();
  });

  it('a thrown or rejected action does not stop the repeater', async () => {
    const clock = fakeScheduler();
    let n = 0;
    const r = createHoldRepeater<string>({
      intervalMs: 100,
      fire: () => {
        n++;
        if (n === 1) throw new Error('boom');
        return Promise.reject(new Error('async boom'));
      },
      scheduler: clock.scheduler,
    });
    r.press('a');
    clock.advance(100);
    expect(n).toBe(2);
    await new Promise((res) => setTimeout(res, 0));
    clock.advance(100);
    expect(n).toBe(3);
    r.releaseAll();
  });

  it('pressing another key switches to it; releasing the old one does nothing', () => {
    const clock = fakeScheduler();
    const fired: string[] = [];
    const r = createHoldRepeater<string>({ intervalMs: 250, fire: (k) => void fired.push(k), scheduler: clock.scheduler });
    r.press('a');
    r.press('p');
    r.release('a');
    expect(r.held()).toBe('p');
    clock.advance(500);
    expect(fired).toEqual(['a', 'p', 'p', 'p']);
    expect(clock.active()).toBe(1);
    r.releaseAll();
    expect(clock.active()).toBe(0);
  });

  it('rejects a non-positive rate or interval', () => {
    expect(() => repeatIntervalMs(0)).toThrow(/positive/);
    expect(() => createHoldRepeater({ intervalMs: 0, fire: () => {} })).toThrow(/intervalMs/);
    expect(repeatIntervalMs(4)).toBe(250);
  });
});
