import { describe, expect, it } from 'vitest';
import { runVerificationLoop, type FrameResult } from './loop';

class FakeFrame {
  disposed = false;
  constructor(readonly id: number) {}
  dispose(): void {
    this.disposed = true;
  }
}

describe('runVerificationLoop', () => {
  it('verifies frames one at a time, reports latency, disposes every frame and stops on abort', async () => {
    const controller = new AbortController();
    let clock = 0;
    const frames: FakeFrame[] = [];
    let inFlight = 0;
    let maxInFlight = 0;
    const results: FrameResult<number>[] = [];
    let grabs = 0;
    const stats = await runVerificationLoop({
      grab: () => {
        grabs++;
        if (grabs === 2) return null; // no frame yet: skipped, not verified
        const f = new FakeFrame(grabs);
        frames.push(f);
        return f;
      },
      verify: async (f) => {
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        await new Promise((r) => setTimeout(r, 1));
        clock += 10 * f.id; // frame i "takes" 10·i ms
        inFlight--;
        return f.id * 100;
      },
      onResult: (r) => {
        results.push(r);
        if (results.length === 4) controller.abort();
      },
      signal: controller.signal,
      now: () => clock,
    });
    expect(maxInFlight).toBe(1);
    expect(results.map((r) => r.result)).toEqual([100, 300, 400, 500]);
    expect(results.map((r) => r.latencyMs)).toEqual([10, 30, 40, 50]);
    expect(results.map((r) => r.frame)).toEqual([0, 1, 2, 3]);
    expect(stats).toEqual({ frames: 4, meanLatencyMs: 32.5 });
    expect(frames.every((f) => f.disposed)).toBe(true);
  });

  it('rejects when verify throws, after disposing the frame', async () => {
    const frame = new FakeFrame(1);
    const run = runVerificationLoop({
      grab: () => frame,
      verify: () => Promise.reject(new Error('boom')),
      onResult: () => undefined,
      signal: new AbortController().signal,
    });
    await expect(run).rejects.toThrow('boom');
    expect(frame.disposed).toBe(true);
  });

  it('does not report a result that finishes after a stop, and yields between frames', async () => {
    const controller = new AbortController();
    const reported: number[] = [];
    const ticks: string[] = [];
    const stats = await runVerificationLoop({
      grab: () => new FakeFrame(0),
      verify: async () => {
        ticks.push('verify');
        if (ticks.filter((t) => t === 'verify').length === 3) controller.abort();
        return 1;
      },
      onResult: (r) => reported.push(r.frame),
      signal: controller.signal,
      nextTick: async () => {
        ticks.push('tick');
      },
    });
    expect(reported).toEqual([0, 1]);
    expect(ticks).toEqual(['verify', 'tick', 'verify', 'tick', 'verify']);
    expect(stats.frames).toBe(2);
  });

  it('returns at once when already aborted', async () => {
    const c = new AbortController();
    c.abort();
    let grabbed = false;
    const stats = await runVerificationLoop({
      grab: () => ((grabbed = true), null),
      verify: async () => 0,
      onResult: () => undefined,
      signal: c.signal,
    });
    expect(grabbed).toBe(false);
    expect(stats).toEqual({ frames: 0, meanLatencyMs: 0 });
  });
});
