import { describe, expect, it } from 'vitest';
import { captureKindForKey, isFormField, isInDialog, type KeyLike, type TargetLike } from './captureKeys';

const body: TargetLike = { tagName: 'BODY', closest: () => null };
const key = (k: string, target: TargetLike | null = body, mods: Partial<KeyLike> = {}): KeyLike => ({
  key: k,
  ctrlKey: false,
  metaKey: false,
  altKey: false,
  target,
  ...mods,
});

describe('captureKindForKey', () => {
  it('maps a, p, v to anchor, positive, verification', () => {
    expect(captureKindForKey(key('a'))).toBe('anchor');
    expect(captureKindForKey(key('p'))).toBe('positive');
    expect(captureKindForKey(key('v'))).toBe('verification');
  });
  it('accepts Shift / Caps Lock capitals', () => {
    expect(captureKindForKey(key('A'))).toBe('anchor');
    expect(captureKindForKey(key('P'))).toBe('positive');
  });
  it('ignores other keys', () => {
    for (const k of ['n', 'x', ' ', 'Enter', 'ArrowUp', 'Escape', 'Alt']) expect(captureKindForKey(key(k))).toBeNull();
  });
  it('ignores Ctrl, Meta and Alt chords (select all, print, ...)', () => {
    expect(captureKindForKey(key('a', body, { ctrlKey: true }))).toBeNull();
    expect(captureKindForKey(key('p', body, { metaKey: true }))).toBeNull();
    expect(captureKindForKey(key('v', body, { altKey: true }))).toBeNull();
  });
  it('ignores keys typed into form fields', () => {
    expect(captureKindForKey(key('a', { tagName: 'INPUT', type: 'text' }))).toBeNull();
    expect(captureKindForKey(key('a', { tagName: 'TEXTAREA' }))).toBeNull();
    expect(captureKindForKey(key('p', { tagName: 'SELECT' }))).toBeNull();
    expect(captureKindForKey(key('v', { tagName: 'DIV', isContentEditable: true }))).toBeNull();
  });
  it('ignores keys inside a dialog', () => {
    const inDialog: TargetLike = { tagName: 'BUTTON', closest: (s) => (s.includes('dialog') ? {} : null) };
    expect(captureKindForKey(key('a', inDialog))).toBeNull();
  });
  it('captures with focus on a button, checkbox or slider, or with no target', () => {
    expect(captureKindForKey(key('a', { tagName: 'BUTTON', closest: () => null }))).toBe('anchor');
    expect(captureKindForKey(key('a', { tagName: 'INPUT', type: 'checkbox' }))).toBe('anchor');
    expect(captureKindForKey(key('a', { tagName: 'INPUT', type: 'range' }))).toBe('anchor');
    expect(captureKindForKey(key('a', null))).toBe('anchor');
  });
});

describe('isFormField', () => {
  it('treats text-like inputs as form fields, whatever their case or type', () => {
    for (const type of ['text', 'search', 'number', 'email', 'password', 'TEXT', undefined]) {
      expect(isFormField({ tagName: 'input', ...(type === undefined ? {} : { type }) })).toBe(true);
    }
  });
  it('does not treat buttons, divs or non-text inputs as form fields', () => {
    expect(isFormField({ tagName: 'BUTTON' })).toBe(false);
    expect(isFormField({ tagName: 'DIV' })).toBe(false);
    expect(isFormField({ tagName: 'INPUT', type: 'file' })).toBe(false);
    expect(isFormField(null)).toBe(false);
  });
});

describe('isInDialog', () => {
  it('is false without closest() (e.g. window or document targets)', () => {
    expect(isInDialog({ tagName: 'BODY' })).toBe(false);
    expect(isInDialog(null)).toBe(false);
  });
});
