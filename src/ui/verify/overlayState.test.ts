import { describe, expect, it } from 'vitest';
import { overlayState, type OverlayInput } from './overlayState';

const ready: OverlayInput = {
  model: 'ready',
  verificationCount: 10,
  camera: { ready: true },
  embedding: { status: 'ready', done: 10, count: 10, error: null },
  detectionThreshold: 0.5,
  result: { decision: { detection: 7, n: 10, verification: 0.7, granted: true }, latencyMs: 83.6 },
};

describe('overlayState', () => {
  it('grants with the decision details', () => {
    expect(overlayState(ready)).toEqual({
      kind: 'granted',
      verdict: 'ACCESS GRANTED',
      details: 'detection 7 of 10 above 0.5 · verification 0.70 · 84 ms',
      running: true,
    });
  });

  it('denies when the decision is not verified', () => {
    const s = overlayState({ ...ready, detectionThreshold: 0.9, result: { decision: { detection: 2, n: 10, verification: 0.2, granted: false }, latencyMs: 120 } });
    expect(s.verdict).toBe('ACCESS DENIED');
    expect(s.details).toBe('detection 2 of 10 above 0.9 · verification 0.20 · 120 ms');
  });

  it('says why there is no verdict, most basic reason first, and does not run', () => {
    const cases: [Partial<OverlayInput>, string][] = [
      [{ model: 'loading' }, 'LOADING MODEL'],
      [{ model: 'none', verificationCount: 0, camera: { ready: false } }, 'NO MODEL'],
      [{ model: 'error' }, 'NO MODEL'],
      [{ verificationCount: 0, camera: { ready: false } }, 'NO VERIFICATION IMAGES'],
      [{ camera: { ready: false } }, 'CAMERA OFF'],
      [{ paused: 'Paused while training.' }, 'PAUSED'],
    ];
    for (const [patch, verdict] of cases) {
      const s = overlayState({ ...ready, ...patch });
      expect(s.verdict, JSON.stringify(patch)).toBe(verdict);
      expect(s.running).toBe(false);
      expect(s.details.length).toBeGreaterThan(0);
    }
  });

  it('waits for the verification embeddings before running', () => {
    expect(overlayState({ ...ready, result: null, embedding: { status: 'loading', done: 3, count: 10, error: null } })).toEqual({
      kind: 'preparing',
      verdict: 'VERIFYING…',
      details: 'Preparing verification images (3 of 10)…',
      running: false,
    });
    expect(overlayState({ ...ready, embedding: { status: 'error', done: 0, count: 10, error: 'bad jpeg' } })).toMatchObject({
      verdict: 'VERIFICATION ERROR',
      details: 'The verification images could not be prepared: bad jpeg',
      running: false,
    });
  });

  it('runs but shows no verdict before the first result, and shows frame errors', () => {
    expect(overlayState({ ...ready, result: null })).toMatchObject({ verdict: 'VERIFYING…', details: 'Verifying the first frame…', running: true });
    expect(overlayState({ ...ready, error: 'boom' })).toMatchObject({ verdict: 'VERIFICATION ERROR', details: 'boom', running: true });
  });
});
