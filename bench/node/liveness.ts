/**
 * The bench's liveness part, in this Node process (tf.js wasm): the head-turn check of src/liveness
 * (issue #21) with the app's face detector (DEFAULT_FACE_CONFIG), refineFace and
 * DEFAULT_LIVENESS_CONFIG, on people of `--people` in `--data`.
 *
 * Per person (at least LIVENESS_MIN_PHOTOS JPEG photos; the first LIVENESS_MAX_PHOTOS in filename
 * order are looked at), tools/liveness chooseLivePhotos picks a frontal photo and the photo turned
 * furthest to each side (as the liveness clips choose them). Every frame is a 640×480 grey frame
 * with a photo warped into it (tools/liveness warpPhoto), seen as the app sees it (seeFrame: the
 * faces at the detector's threshold, the largest one's keypoints refined in its own square), and
 * timed: detection + refinement, the machine's work on that frame.
 *
 * - Live attempts, one per side the person has a turned photo for: the frontal photo, then the
 *   turned one, with the head placed in the frame as the accuracy part places photos (seeded shift
 *   and scale, bench/common/frame.ts DEFAULT_FRAME_SPEC) and moved a little by the turn
 *   (LIVE_TURN_MOVE). Passed when the check grants.
 * - Spoof attempts: the frontal photo as a flat print in every pose of spoofSweep (shifts, scales,
 *   rolls, tilts of SPOOF_TILTS degrees about four axes, seeded mixes), for each ordered pair of
 *   poses (first, then second) and each side the check can ask for. A two-frame attempt is the
 *   harshest sequence: the check measures a turn from the frame it started on, and any frame
 *   between two poses can only end the challenge sooner (a turn the wrong way, a lost face).
 *   Attempts count where the challenge started on the first pose (it was seen facing the camera);
 *   rejected when never granted.
 *
 * Each attempt runs through a fresh LivenessCheck whose random source asks for the attempt's side,
 * every frame passing the identity rule, its timestamps from a clock that advances by each frame's
 * measured processing time (frames processed back to back, as the app's loop does). The challenge
 * time of a granted attempt is from the grab of the frame that started the challenge to the end of
 * the processing of the frame that granted it: the machine's part of a challenge for a person who
 * turns at once, without the person's own reaction and turn.
 */
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { DEFAULT_FACE_CONFIG, DEFAULT_LIVENESS_CONFIG, type LivenessConfig } from '../../src/config';
import { createRng, deriveSeed, shuffled } from '../../src/data';
import { createFaceDetector, type FaceDetector } from '../../src/face';
import { LivenessCheck, type KeypointSet, type LivenessState, type Side } from '../../src/liveness';
import { median } from '../../tools/common';
import { useWasmBackend } from '../../tools/common/node-backend';
import { faceModelPath, fileModelHandler, photosOf, readPeopleFile } from '../../tools/lfw';
import {
  chooseLivePhotos,
  NEUTRAL_POSE,
  photoTensor,
  seeFrame,
  spoofSweep,
  SPOOF_FRAME,
  warpPhoto,
  type PhotoPose,
  type SpoofPose,
} from '../../tools/liveness';
import { DEFAULT_FRAME_SPEC, stringSalt, type FrameSpec } from '../common/frame';
import type { BenchOptions } from './options';

/** A person needs this many photos to have a frontal one and turns to choose from (as scripts/liveness/measure.ts). */
export const LIVENESS_MIN_PHOTOS = 5;
/** chooseLivePhotos looks at this many of a person's photos, the first in filename order. */
export const LIVENESS_MAX_PHOTOS = 20;
/** Tilts of the spoof sweep, degrees, each about four axes and both ways: up to 45° (beyond it the detector mostly loses the face). */
export const SPOOF_TILTS = [15, 30, 45] as const;
/** Issue #21's goals. */
export const LIVENESS_GOALS = { spoofRejectRate: 0.99, livePassRate: 0.95 } as const;
/** How far the head moves in the frame between the frontal and the turned frame of a live attempt: up to ± this many pixels, scale × (1 ± this). */
export const LIVE_TURN_MOVE = { shift: 8, scale: 0.03 } as const;

const SIDES: readonly Side[] = ['left', 'right'];
const PEOPLE_SALT = 0x4c49_5645;

/** One frame as an attempt plays it. */
export interface SeenFrame {
  /** Faces at or above the detector's threshold. */
  readonly faces: number;
  /** The largest face's refined keypoints (null without a face). */
  readonly keypoints: KeypointSet | null;
  /** The machine's time on the frame (detection + refinement), ms: the clock advances by it. */
  readonly ms: number;
}

export interface AttemptOutcome {
  /** The index of the frame a challenge started on (null: none did). */
  readonly armedAt: number | null;
  readonly granted: boolean;
  /** 'granted', a denial's reason, or the state the check was left in ('challenge', 'idle'). */
  readonly end: string;
  /** Granted attempts: from the grab of the frame that started the challenge to the end of the granting frame's processing, ms. */
  readonly challengeMs: number | null;
}

/** A random source that makes the check ask for `side` (it draws < 0.5 as left). */
export const askFor =
  (side: Side): (() => number) =>
  () =>
    side === 'left' ? 0.25 : 0.75;

/**
 * Plays `frames` in order through a fresh LivenessCheck asking for `side`, every frame passing the
 * identity rule, the clock starting at 0 and advancing by each frame's `ms`. Ends at the first grant.
 */
export function playAttempt(frames: readonly SeenFrame[], side: Side, config: LivenessConfig = DEFAULT_LIVENESS_CONFIG): AttemptOutcome {
  const check = new LivenessCheck(config, askFor(side));
  let clock = 0;
  let armedAt: number | null = null;
  let state: LivenessState = check.state;
  for (const [i, f] of frames.entries()) {
    state = check.update({ at: clock, faces: f.faces, keypoints: f.keypoints, identity: true });
    clock += f.ms;
    if (state.kind === 'challenge') armedAt ??= i;
    if (state.kind === 'granted') return { armedAt, granted: true, end: 'granted', challengeMs: clock - (state.at - state.tookMs) };
  }
  return { armedAt, granted: false, end: state.kind === 'denied' ? state.reason : state.kind, challengeMs: null };
}

/** A spoof frame: the print in one pose of the sweep. */
export interface PosedFrame extends SeenFrame {
  readonly pose: SpoofPose;
}

/** Spoof attempts counted by the second pose's kind ('tilt 30°' for tilts, else the family). */
export type MoveTally = Record<string, { attempts: number; rejected: number }>;

export interface SpoofTally {
  /** Attempts where a challenge started on the first pose, and those never granted. */
  attempts: number;
  rejected: number;
  /** Ordered pose pairs × sides where no challenge started on the first pose (it was not seen facing the camera). */
  notArmed: number;
  /** The attempts whose second frame too showed exactly one face with keypoints (a lost face cannot be granted). */
  bothSeen: number;
  bothSeenRejected: number;
  byMove: MoveTally;
}

export const moveOf = (p: SpoofPose): string => (p.family === 'tilt' ? `tilt ${Math.abs(p.pose.tilt)}°` : p.family);

export const emptySpoofTally = (): SpoofTally => ({ attempts: 0, rejected: 0, notArmed: 0, bothSeen: 0, bothSeenRejected: 0, byMove: {} });

/** Adds `b` into `a`. */
export function addSpoofTally(a: SpoofTally, b: SpoofTally): SpoofTally {
  const byMove: MoveTally = { ...a.byMove };
  for (const [k, v] of Object.entries(b.byMove)) {
    const m = byMove[k] ?? { attempts: 0, rejected: 0 };
    byMove[k] = { attempts: m.attempts + v.attempts, rejected: m.rejected + v.rejected };
  }
  return {
    attempts: a.attempts + b.attempts,
    rejected: a.rejected + b.rejected,
    notArmed: a.notArmed + b.notArmed,
    bothSeen: a.bothSeen + b.bothSeen,
    bothSeenRejected: a.bothSeenRejected + b.bothSeenRejected,
    byMove,
  };
}

/** Every ordered pair of distinct poses of one print, for both sides (see the header). */
export function scoreSpoofs(frames: readonly PosedFrame[], config: LivenessConfig = DEFAULT_LIVENESS_CONFIG): SpoofTally {
  const t = emptySpoofTally();
  for (const [i, first] of frames.entries()) {
    for (const [j, second] of frames.entries()) {
      if (i === j) continue;
      for (const side of SIDES) {
        const outcome = playAttempt([first, second], side, config);
        if (outcome.armedAt !== 0) {
          t.notArmed++;
          continue;
        }
        const rejected = outcome.granted ? 0 : 1;
        t.attempts++;
        t.rejected += rejected;
        if (second.faces === 1 && second.keypoints !== null) {
          t.bothSeen++;
          t.bothSeenRejected += rejected;
        }
        const m = (t.byMove[moveOf(second.pose)] ??= { attempts: 0, rejected: 0 });
        m.attempts++;
        m.rejected += rejected;
      }
    }
  }
  return t;
}

/**
 * Where a live attempt's head is: the frontal frame's pose drawn as the accuracy part places a photo
 * (uniform shift and scale within `spec`), the turned frame's moved from it by up to LIVE_TURN_MOVE.
 */
export function livePoses(seed: number, spec: FrameSpec = DEFAULT_FRAME_SPEC): { frontal: PhotoPose; turned: PhotoPose } {
  const rand = createRng(seed);
  const uniform = (lo: number, hi: number) => lo + (hi - lo) * rand();
  const frontal: PhotoPose = {
    ...NEUTRAL_POSE,
    shiftX: uniform(-spec.maxShiftX, spec.maxShiftX),
    shiftY: uniform(-spec.maxShiftY, spec.maxShiftY),
    scale: uniform(spec.minScale, spec.maxScale),
  };
  const m = LIVE_TURN_MOVE;
  const turned: PhotoPose = {
    ...frontal,
    shiftX: frontal.shiftX + uniform(-m.shift, m.shift),
    shiftY: frontal.shiftY + uniform(-m.shift, m.shift),
    scale: frontal.scale * uniform(1 - m.scale, 1 + m.scale),
  };
  return { frontal, turned };
}

/** A person of the part and the photos chooseLivePhotos looks at (absolute paths). */
export interface LivenessPerson {
  readonly name: string;
  readonly photos: readonly string[];
}

const isJpeg = (f: string) => /\.jpe?g$/i.test(f);

/**
 * The people of the part: those of `peopleFile` found in `data` with at least LIVENESS_MIN_PHOTOS
 * JPEG photos; with `maxPeople` > 0 a seeded choice of that many; in name order.
 */
export async function planLivenessPeople(
  data: string,
  peopleFile: string,
  maxPeople: number,
  seed: number,
  minPhotos = LIVENESS_MIN_PHOTOS,
): Promise<LivenessPerson[]> {
  const names = [...new Set(await readPeopleFile(peopleFile))].sort();
  const candidates: LivenessPerson[] = [];
  for (const name of names) {
    let files: string[];
    try {
      files = (await photosOf(data, name)).filter(isJpeg);
    } catch {
      continue; // not in this face set
    }
    if (files.length >= minPhotos)
      candidates.push({ name, photos: files.slice(0, LIVENESS_MAX_PHOTOS).map((f) => path.join(data, name, f)) });
  }
  const chosen = maxPeople > 0 ? shuffled(candidates, deriveSeed(seed, PEOPLE_SALT)).slice(0, maxPeople) : candidates;
  if (chosen.length === 0)
    throw new Error(`${peopleFile}: no people of ${data} have ≥ ${minPhotos} JPEG photos; the liveness part needs one`);
  return chosen.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** One live attempt as latest.json keeps it. */
export interface LiveAttemptRow {
  readonly side: Side;
  /** The turned photo (file name) and its cue's change from the frontal photo's, as chooseLivePhotos measured it (1:1 in the middle of the frame). */
  readonly photo: string;
  readonly chosenChange: number;
  readonly passed: boolean;
  readonly end: string;
  readonly challengeMs: number | null;
}

export interface LivenessPersonRow {
  readonly name: string;
  readonly photos: number;
  /** The frontal photo (file name), or null when none of the photos faces the camera (the person has no attempts). */
  readonly frontal: string | null;
  readonly live: readonly LiveAttemptRow[];
  readonly spoof: SpoofTally;
  /** Spoof poses in which the print did not show exactly one face. */
  readonly spoofFramesWithoutOneFace: number;
  /** Frames of the attempts (live and spoof poses), and the median's machine time on one, ms. */
  readonly frames: number;
  readonly medianFrameMs: number | null;
}

/** A person's row with every attempt frame's processing time (detection + refinement), ms. */
export interface LivenessPersonRun extends Omit<LivenessPersonRow, 'frames' | 'medianFrameMs'> {
  readonly frameMs: readonly number[];
}

export interface LivenessGoal {
  readonly what: string;
  readonly value: number | null;
  /** Met when value ≥ goal. */
  readonly goal: number;
  readonly met: boolean;
}

export interface LivenessSettings {
  readonly where: string;
  readonly data: string;
  readonly peopleFile: string;
  readonly maxPeople: number;
  readonly minPhotos: number;
  readonly maxPhotos: number;
  readonly seed: number;
  readonly liveness: LivenessConfig;
  readonly detector: { readonly variant: string; readonly scoreThreshold: number };
  readonly frame: typeof SPOOF_FRAME;
  readonly spoofTilts: readonly number[];
  readonly spoofPoses: number;
  readonly livePlacement: FrameSpec;
  readonly liveTurnMove: typeof LIVE_TURN_MOVE;
  readonly challengeTime: string;
}

/** latest.json's `liveness`. Rates are fractions (null without attempts). */
export interface LivenessReport {
  /** People looked at (those without a frontal photo have no attempts: `withoutFrontal`). */
  readonly people: number;
  readonly liveAttempts: number;
  readonly spoofAttempts: number;
  readonly livePassRate: number | null;
  readonly spoofRejectRate: number | null;
  /** Median challenge time of the granted live attempts, ms (see the header: the machine's part). */
  readonly medianChallengeMs: number | null;
  readonly goals: readonly LivenessGoal[];
  readonly details: {
    readonly withoutFrontal: readonly string[];
    /** People with a frontal photo but no turned photo to either side. */
    readonly withoutTurn: readonly string[];
    readonly livePassed: number;
    /** How the live attempts that failed ended (reason → count; 'idle': never armed). */
    readonly liveFailures: Readonly<Record<string, number>>;
    readonly spoofRejected: number;
    readonly spoofNotArmed: number;
    /** The spoof attempts whose second pose showed the print's face, and the share of them rejected. */
    readonly spoofBothSeen: number;
    readonly spoofBothSeenRejectRate: number | null;
    readonly spoofByMove: readonly { readonly move: string; readonly attempts: number; readonly rejectRate: number | null }[];
    /** People any of whose spoof attempts was granted, and the one with the lowest share rejected. */
    readonly spoofPeopleGranted: number;
    readonly spoofWorstPerson: { readonly name: string; readonly attempts: number; readonly rejectRate: number } | null;
    readonly spoofFramesWithoutOneFace: number;
    readonly frames: number;
    readonly medianFrameMs: number | null;
    readonly seconds: number;
  };
  readonly settings: LivenessSettings;
  readonly persons: readonly LivenessPersonRow[];
}

const rate = (n: number, of: number) => (of === 0 ? null : n / of);

/** The part's numbers from its per-person rows. */
export function summarizeLiveness(rows: readonly LivenessPersonRun[], settings: LivenessSettings, seconds: number): LivenessReport {
  const live = rows.flatMap((r) => r.live);
  const passed = live.filter((a) => a.passed);
  const spoof = rows.reduce((t, r) => addSpoofTally(t, r.spoof), emptySpoofTally());
  const failures: Record<string, number> = {};
  for (const a of live) if (!a.passed) failures[a.end] = (failures[a.end] ?? 0) + 1;
  const livePassRate = rate(passed.length, live.length);
  const spoofRejectRate = rate(spoof.rejected, spoof.attempts);
  const goal = (what: string, value: number | null, g: number): LivenessGoal => ({
    what,
    value,
    goal: g,
    met: value !== null && value >= g,
  });
  const times = passed.flatMap((a) => (a.challengeMs === null ? [] : [a.challengeMs]));
  const frameMs = rows.flatMap((r) => r.frameMs);
  const moves = Object.keys(spoof.byMove).sort((a, b) => {
    const order = (m: string) => ['neutral', 'shift', 'scale', 'roll', 'tilt', 'mixed'].indexOf(m.split(' ')[0]!);
    return order(a) - order(b) || parseFloat(a.split(' ')[1] ?? '0') - parseFloat(b.split(' ')[1] ?? '0');
  });
  return {
    people: rows.length,
    liveAttempts: live.length,
    spoofAttempts: spoof.attempts,
    livePassRate,
    spoofRejectRate,
    medianChallengeMs: times.length > 0 ? median(times) : null,
    goals: [
      goal('spoof attempts rejected', spoofRejectRate, LIVENESS_GOALS.spoofRejectRate),
      goal('live turns passed', livePassRate, LIVENESS_GOALS.livePassRate),
    ],
    details: {
      withoutFrontal: rows.filter((r) => r.frontal === null).map((r) => r.name),
      withoutTurn: rows.filter((r) => r.frontal !== null && r.live.length === 0).map((r) => r.name),
      livePassed: passed.length,
      liveFailures: failures,
      spoofRejected: spoof.rejected,
      spoofNotArmed: spoof.notArmed,
      spoofBothSeen: spoof.bothSeen,
      spoofBothSeenRejectRate: rate(spoof.bothSeenRejected, spoof.bothSeen),
      spoofByMove: moves.map((move) => ({
        move,
        attempts: spoof.byMove[move]!.attempts,
        rejectRate: rate(spoof.byMove[move]!.rejected, spoof.byMove[move]!.attempts),
      })),
      spoofPeopleGranted: rows.filter((r) => r.spoof.rejected < r.spoof.attempts).length,
      spoofWorstPerson: rows.reduce<LivenessReport['details']['spoofWorstPerson']>((worst, r) => {
        if (r.spoof.attempts === 0) return worst;
        const rejectRate = r.spoof.rejected / r.spoof.attempts;
        return worst === null || rejectRate < worst.rejectRate ? { name: r.name, attempts: r.spoof.attempts, rejectRate } : worst;
      }, null),
      spoofFramesWithoutOneFace: rows.reduce((n, r) => n + r.spoofFramesWithoutOneFace, 0),
      frames: frameMs.length,
      medianFrameMs: frameMs.length > 0 ? median(frameMs) : null,
      seconds,
    },
    settings,
    persons: rows.map(({ frameMs: ms, ...r }) => ({ ...r, frames: ms.length, medianFrameMs: ms.length > 0 ? median(ms) : null })),
  };
}

/** What one frame of `photo` in `pose` gives the check, timed (detection + refinement; the warp is the camera's, untimed). */
async function seePose(detector: FaceDetector, photo: tf.Tensor3D, pose: PhotoPose): Promise<SeenFrame> {
  const pixels = warpPhoto(photo, pose, SPOOF_FRAME);
  try {
    const t0 = performance.now();
    const sight = await seeFrame(detector, pixels, DEFAULT_FACE_CONFIG.scoreThreshold);
    return { faces: sight.faces, keypoints: sight.refined?.keypoints ?? null, ms: performance.now() - t0 };
  } finally {
    pixels.dispose();
  }
}

async function withPhoto<T>(file: string, fn: (photo: tf.Tensor3D) => Promise<T>): Promise<T> {
  const photo = photoTensor(file);
  try {
    return await fn(photo);
  } finally {
    photo.dispose();
  }
}

/** Runs one person's attempts (see the header). */
export async function runLivenessPerson(
  detector: FaceDetector,
  person: LivenessPerson,
  seed: number,
  config: LivenessConfig = DEFAULT_LIVENESS_CONFIG,
): Promise<LivenessPersonRun> {
  const frameMs: number[] = [];
  const chosen = await chooseLivePhotos(detector, person.photos, config);
  const personSeed = deriveSeed(seed, stringSalt(person.name));
  const base = { name: person.name, photos: person.photos.length };
  if (chosen === null) return { ...base, frontal: null, live: [], spoof: emptySpoofTally(), spoofFramesWithoutOneFace: 0, frameMs };
  const live: LiveAttemptRow[] = [];
  for (const [k, side] of SIDES.entries()) {
    const turn = chosen[side];
    if (turn === null) continue;
    const poses = livePoses(deriveSeed(personSeed, k + 1));
    const frontal = await withPhoto(chosen.frontal.photo, (p) => seePose(detector, p, poses.frontal));
    const turned = await withPhoto(turn.photo, (p) => seePose(detector, p, poses.turned));
    frameMs.push(frontal.ms, turned.ms);
    const outcome = playAttempt([frontal, turned], side, config);
    live.push({
      side,
      photo: path.basename(turn.photo),
      chosenChange: turn.change,
      passed: outcome.granted,
      end: outcome.end,
      challengeMs: outcome.challengeMs,
    });
  }
  const sweep = spoofSweep(createRng(deriveSeed(personSeed, 0)), { tilts: SPOOF_TILTS });
  const spoofFrames = await withPhoto(chosen.frontal.photo, async (p) => {
    const out: PosedFrame[] = [];
    for (const pose of sweep) out.push({ pose, ...(await seePose(detector, p, pose.pose)) });
    return out;
  });
  frameMs.push(...spoofFrames.map((f) => f.ms));
  return {
    ...base,
    frontal: path.basename(chosen.frontal.photo),
    live,
    spoof: scoreSpoofs(spoofFrames, config),
    spoofFramesWithoutOneFace: spoofFrames.filter((f) => f.faces !== 1).length,
    frameMs,
  };
}

export type LivenessPartOptions = Pick<BenchOptions, 'data' | 'people' | 'maxPeople' | 'seed'>;

/**
 * Runs the liveness part: loads the app's detector on tf.js wasm, runs every planned person, and
 * summarises. `log` gets progress lines; the run must leave no tensor behind.
 */
export async function runLivenessPart(o: LivenessPartOptions, log: (msg: string) => void): Promise<LivenessReport> {
  const t0 = performance.now();
  const people = await planLivenessPeople(o.data, o.people, o.maxPeople, o.seed);
  await useWasmBackend();
  const before = tf.memory().numTensors;
  // The app's detector: the shipped model, DEFAULT_FACE_CONFIG's variant and thresholds (createFaceDetector's defaults).
  const detector = await createFaceDetector({ model: fileModelHandler(faceModelPath(DEFAULT_FACE_CONFIG.variant)) });
  const rows: LivenessPersonRun[] = [];
  try {
    // Warm-up: the first detections compile the wasm kernels; time the frames after it.
    await withPhoto(people[0]!.photos[0]!, (p) => seePose(detector, p, NEUTRAL_POSE));
    let last = performance.now();
    for (const [i, person] of people.entries()) {
      rows.push(await runLivenessPerson(detector, person, o.seed));
      if (performance.now() - last > 15_000 || i === people.length - 1) {
        last = performance.now();
        const s = summarizeLiveness(rows, settingsOf(o), 0);
        log(
          `  ${i + 1}/${people.length} people, ${Math.round((performance.now() - t0) / 1000)} s: live ${s.details.livePassed}/${s.liveAttempts} passed, spoofs ${s.details.spoofRejected}/${s.spoofAttempts} rejected`,
        );
      }
    }
  } finally {
    detector.dispose();
  }
  const leaked = tf.memory().numTensors - before;
  if (leaked !== 0) throw new Error(`the liveness part left ${leaked} tensors behind`);
  return summarizeLiveness(rows, settingsOf(o), (performance.now() - t0) / 1000);
}

function settingsOf(o: LivenessPartOptions): LivenessSettings {
  return {
    where: `Node (this process), tf.js ${tf.getBackend()}`,
    data: o.data,
    peopleFile: o.people,
    maxPeople: o.maxPeople,
    minPhotos: LIVENESS_MIN_PHOTOS,
    maxPhotos: LIVENESS_MAX_PHOTOS,
    seed: o.seed,
    liveness: DEFAULT_LIVENESS_CONFIG,
    detector: { variant: DEFAULT_FACE_CONFIG.variant, scoreThreshold: DEFAULT_FACE_CONFIG.scoreThreshold },
    frame: SPOOF_FRAME,
    spoofTilts: SPOOF_TILTS,
    spoofPoses: spoofSweep(createRng(0), { tilts: SPOOF_TILTS }).length,
    livePlacement: DEFAULT_FRAME_SPEC,
    liveTurnMove: LIVE_TURN_MOVE,
    challengeTime:
      "from the grab of the frame that started the challenge to the end of the processing of the frame that granted it, the clock advancing by each frame's measured detection + refinement: the machine's part, for a person who turns at once (the person's reaction and turn come on top)",
  };
}
