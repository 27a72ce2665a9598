/**
 * Keyboard rules for capturing: which key saves which kind of sample, and when a key press must be
 * left alone (typing in a form field, a modifier chord such as Ctrl+P, a press inside a dialog).
 * Pure functions over plain descriptions of the event, so they are unit-tested in Node.
 */

export const CAPTURE_KINDS = ['anchor', 'positive', 'verification'] as const;
export type CaptureKind = (typeof CAPTURE_KINDS)[number];

/** `a` anchor, `p` positive, `v` verification (the reference notebook's keys). */
export const CAPTURE_KEYS: Readonly<Record<string, CaptureKind>> = { a: 'anchor', p: 'positive', v: 'verification' };

/** The key of each kind, for button labels. */
export const KEY_OF_KIND: Readonly<Record<CaptureKind, string>> = { anchor: 'A', positive: 'P', verification: 'V' };

/** The parts of a DOM element the rules look at. */
export interface TargetLike {
  readonly tagName?: string;
  readonly isContentEditable?: boolean;
  readonly type?: string;
  readonly closest?: (selector: string) => unknown;
}

/** The parts of a KeyboardEvent the rules look at. */
export interface KeyLike {
  readonly key: string;
  readonly ctrlKey: boolean;
  readonly metaKey: boolean;
  readonly altKey: boolean;
  readonly target: TargetLike | null;
}

/** Input types that take no typed text: a letter key does nothing in them, so capture stays on. */
const NON_TEXT_INPUT_TYPES = new Set(['button', 'submit', 'reset', 'checkbox', 'radio', 'range', 'color', 'file', 'image']);

/**
 * True when the element takes typed text (or letter keys pick an option): text-like inputs,
 * textarea, select, and contenteditable elements. Capture keys are ignored there.
 */
export function isFormField(target: TargetLike | null): boolean {
  if (!target) return false;
  if (target.isContentEditable) return true;
  const tag = (target.tagName ?? '').toUpperCase();
  if (tag === 'TEXTAREA' || tag === 'SELECT') return true;
  if (tag === 'INPUT') return !NON_TEXT_INPUT_TYPES.has((target.type ?? 'text').toLowerCase());
  return false;
}

/** True when the element sits inside a dialog (confirmations, import): keys belong to the dialog. */
export function isInDialog(target: TargetLike | null): boolean {
  return typeof target?.closest === 'function' && target.closest('[role="dialog"], [role="alertdialog"], dialog') != null;
}

/**
 * The kind a key press captures, or null when the press is not a capture key or must be left
 * alone. Shift and Caps Lock are accepted (`A` = `a`); Ctrl, Meta and Alt chords are not (Ctrl+A
 * selects, Ctrl+P prints).
 */
export function captureKindForKey(e: KeyLike): CaptureKind | null {
  if (e.ctrlKey || e.metaKey || e.altKey) return null;
  const kind = CAPTURE_KEYS[e.key.toLowerCase()];
  if (!kind) return null;
  if (isFormField(e.target) || isInDialog(e.target)) return null;
  return kind;
}
