import { describe, expect, it } from 'vitest';
import { backendLabel } from './backendLabel';

describe('backendLabel', () => {
  it('labels a report by its name, with threads when more than one', () => {
    expect(backendLabel({ name: 'webgl' })).toEqual({ text: 'webgl', detail: null });
    expect(backendLabel({ name: 'wasm', threads: 4 })).toEqual({ text: 'wasm · 4 threads', detail: null });
    expect(backendLabel({ name: 'wasm', threads: 1 })).toEqual({ text: 'wasm', detail: null });
    expect(backendLabel({ backend: 'cpu', fallbackReason: 'WebGL is not available' })).toEqual({
      text: 'cpu',
      detail: 'WebGL is not available',
    });
    expect(backendLabel('webgpu')).toEqual({ text: 'webgpu', detail: null });
  });
  it('shows nothing for a missing or unrecognisable report', () => {
    expect(backendLabel(null)).toBeNull();
    expect(backendLabel(undefined)).toBeNull();
    expect(backendLabel('')).toBeNull();
    expect(backendLabel({ name: 3 })).toBeNull();
    expect(backendLabel(42)).toBeNull();
  });
});
