import { describe, expect, it } from 'vitest';
import type { LivenessState } from '../../liveness';
import type { OverlayLiveness } from './livenessView';
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
      face: null,
      liveness: { tag: 'off', text: 'Liveness check: off', side: null, reason: null },
      person: null,
    });
  });

  it('names the granted person, and with several people says why nobody was', () => {
    const identity = {
      granted: 'Ann',
      reason: 'single' as const,
      best: { name: 'Ann', detection: 7, n: 10 },
      runnerUp: null,
      margin: 0.25,
    };
    expect(overlayState({ ...ready, result: { ...ready.result!, identity } }).person).toBe('Ann');
    const ambiguous = {
      granted: null,
      reason: 'ambiguous' as const,
      best: { name: 'Ann', detection: 6, n: 8 },
      runnerUp: { name: 'Bob', detection: 5, n: 8 },
      margin: 0.25,
    };
    const denied = { detection: 6, n: 8, verification: 0.75, granted: false };
    const s = overlayState({ ...ready, result: { decision: denied, latencyMs: 50, identity: ambiguous } });
    expect(s.verdict).toBe('ACCESS DENIED');
    expect(s.person).toBe('ambiguous: Ann 6/8, Bob 5/8 (margin 0.25)');
    const nobody = { ...ambiguous, reason: 'nobody' as const, best: { name: 'Ann', detection: 3, n: 8 } };
    expect(overlayState({ ...ready, result: { decision: { ...denied, detection: 3 }, latencyMs: 50, identity: nobody } }).person).toBe(
      'closest: Ann 3/8',
    );
    // One person denied: the details say it all.
    expect(
      overlayState({ ...ready, result: { decision: denied, latencyMs: 50, identity: { ...nobody, runnerUp: null } } }).person,
    ).toBeNull();
  });

  it('denies when the decision is not verified', () => {
    const s = overlayState({
      ...ready,
      detectionThreshold: 0.9,
      result: { decision: { detection: 2, n: 10, verification: 0.2, granted: false }, latencyMs: 120 },
    });
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
      face: null,
      liveness: { tag: 'off', text: 'Liveness check: off', side: null, reason: null },
      person: null,
    });
    expect(overlayState({ ...ready, embedding: { status: 'error', done: 0, count: 10, error: 'bad jpeg' } })).toMatchObject({
      verdict: 'VERIFICATION ERROR',
      details: 'The verification images could not be prepared: bad jpeg',
      running: false,
    });
  });

  it('runs but shows no verdict before the first result, and shows frame errors', () => {
    expect(overlayState({ ...ready, result: null })).toMatchObject({
      verdict: 'VERIFYING…',
      details: 'Verifying the first frame…',
      running: true,
    });
    expect(overlayState({ ...ready, error: 'boom' })).toMatchObject({ verdict: 'VERIFICATION ERROR', details: 'boom', running: true });
  });

  it('face mode: shows the face and the detection time, and says NO FACE (never granted) without a face', () => {
    const face = { score: 0.973, count: 1, detectMs: 14.6 };
    const granted = overlayState({ ...ready, result: { decision: ready.result!.decision, latencyMs: 120.2, face } });
    expect(granted).toMatchObject({ verdict: 'ACCESS GRANTED', details: 'detection 7 of 10 above 0.5 · verification 0.70 · 120 ms' });
    expect(granted.face).toBe('face 0.97 · detection 15 ms of 120 ms');
    const two = overlayState({ ...ready, result: { decision: ready.result!.decision, latencyMs: 120, face: { ...face, count: 2 } } });
    expect(two.face).toBe('2 faces, largest 0.97 · detection 15 ms of 120 ms');

    // No face: the frame was not verified; whatever the thresholds, the verdict is NO FACE.
    for (const detectionThreshold of [0, 0.5, 1]) {
      const s = overlayState({
        ...ready,
        detectionThreshold,
        result: { decision: null, latencyMs: 18.4, face: { score: null, count: 0, detectMs: 17.9 } },
      });
      expect(s).toEqual({
        kind: 'no-face',
        verdict: 'NO FACE',
        details: 'No face with confidence ≥ 0.5 in this frame · 18 ms',
        running: true,
        face: 'no face · detection 18 ms of 18 ms',
        liveness: { tag: 'off', text: 'Liveness check: off', side: null, reason: null },
        person: null,
      });
    }
    // The user's face-confidence threshold is the one named.
    expect(
      overlayState({
        ...ready,
        faceThreshold: 0.9,
        result: { decision: null, latencyMs: 18, face: { score: null, count: 0, detectMs: 17 } },
      }).details,
    ).toBe('No face with confidence ≥ 0.9 in this frame · 18 ms');
    // A face result that claims a decision without a face still is NO FACE.
    expect(
      overlayState({ ...ready, result: { decision: ready.result!.decision, latencyMs: 20, face: { score: null, count: 0, detectMs: 5 } } })
        .kind,
    ).toBe('no-face');
  });

  it('face mode: waits for the face detector before running', () => {
    expect(overlayState({ ...ready, result: null, faceLoading: true })).toMatchObject({
      verdict: 'VERIFYING…',
      details: 'Loading the face detector…',
      running: false,
    });
  });

  describe('with the liveness check on', () => {
    const face = { score: 0.97, count: 1, detectMs: 12 };
    const grantedFrame = { decision: ready.result!.decision, latencyMs: 90, face, at: 10_000 };
    const deniedFrame = { decision: { detection: 1, n: 10, verification: 0.1, granted: false }, latencyMs: 90, face, at: 10_000 };
    const on = (state: LivenessState | null, available = true): OverlayLiveness => ({
      mode: 'head-turn',
      available,
      state,
    });
    const challenge: LivenessState = { kind: 'challenge', side: 'left', startedAt: 8000, deadline: 13_000, baseline: 0.01, change: 0.03 };

    it('never grants on identity alone: it asks for the turn, then grants with a note', () => {
      const idle = overlayState({ ...ready, result: grantedFrame, liveness: on({ kind: 'idle', waiting: 'not-frontal' }) });
      expect(idle).toMatchObject({ kind: 'denied', verdict: 'ACCESS DENIED' });
      expect(idle.liveness).toMatchObject({ tag: 'idle', text: 'Liveness check: head turn · look straight at the camera to start' });

      const asking = overlayState({ ...ready, result: grantedFrame, liveness: on(challenge) });
      expect(asking).toMatchObject({ kind: 'challenge', verdict: 'TURN YOUR HEAD LEFT', running: true });
      expect(asking.liveness).toEqual({
        tag: 'challenge',
        text: 'Liveness check: turn your head to your left · 3.0 s left',
        side: 'left',
        reason: null,
      });
      // A frame without a face during the challenge (a detector dropout) keeps the prompt, never grants.
      const dropout = overlayState({
        ...ready,
        result: { decision: null, latencyMs: 20, face: { score: null, count: 0, detectMs: 9 }, at: 10_000 },
        liveness: on(challenge),
      });
      expect(dropout.kind).toBe('challenge');

      const passed = overlayState({
        ...ready,
        result: grantedFrame,
        liveness: on({ kind: 'granted', side: 'right', at: 9000, tookMs: 1240 }),
      });
      expect(passed).toMatchObject({ kind: 'granted', verdict: 'ACCESS GRANTED' });
      expect(passed.liveness).toMatchObject({ tag: 'granted', text: 'Liveness checked: turned right in 1.2 s', side: 'right' });
    });

    it('denies with the reason, and when the identity rule fails at the current thresholds', () => {
      const failed = overlayState({
        ...ready,
        result: grantedFrame,
        liveness: on({ kind: 'denied', reason: 'wrong-side', side: 'left', at: 9000 }),
      });
      expect(failed).toMatchObject({ kind: 'denied', verdict: 'ACCESS DENIED' });
      expect(failed.liveness).toEqual({
        tag: 'denied',
        text: 'Liveness check failed: the head turned to the other side',
        side: 'left',
        reason: 'wrong-side',
      });
      const stricter = overlayState({
        ...ready,
        result: deniedFrame,
        liveness: on({ kind: 'granted', side: 'left', at: 9000, tookMs: 900 }),
      });
      expect(stricter.kind).toBe('denied');
    });

    it('denies everything when the check cannot run (no face detector), and says why', () => {
      const s = overlayState({ ...ready, result: grantedFrame, liveness: on(null, false) });
      expect(s.kind).toBe('denied');
      expect(s.liveness.tag).toBe('unavailable');
      expect(s.liveness.text).toMatch(/needs the face detector/);
    });

    it('shows the mode before any frame, and off grants as the reference does', () => {
      expect(overlayState({ ...ready, result: null, liveness: on(null) }).liveness.text).toBe('Liveness check: head turn');
      expect(overlayState({ ...ready, result: grantedFrame, liveness: { mode: 'off' } })).toMatchObject({
        kind: 'granted',
        liveness: { tag: 'off' },
      });
    });
  });
});
