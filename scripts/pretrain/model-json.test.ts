import { describe, expect, it } from 'vitest';
import { calibrateModelJson } from './model-json';

const weights = [
  {
    name: 'embedding/kernel',
    shape: [4, 2],
    dtype: 'float32',
    quantization: { dtype: 'uint8', min: -0.5, scale: 0.01, original_dtype: 'float32' },
  },
  {
    name: 'classifier/bias',
    shape: [1],
    dtype: 'float32',
    quantization: { dtype: 'uint8', min: 0.25, scale: 0.001, original_dtype: 'float32' },
  },
];
const base = {
  format: 'layers-model',
  generatedBy: 'TensorFlow.js tfjs-layers v4.22.0',
  convertedBy: 'test',
  modelTopology: { a: [1, 2] },
  weightsManifest: [{ paths: ['w.bin'], weights }],
};

describe('calibrateModelJson', () => {
  it('moves only the bias min and records the shift (the GPU export: no metadata yet)', () => {
    const text = JSON.stringify(base, null, 1);
    const r = calibrateModelJson(text, 1.5, 0.25 + 255 * 0.001);
    expect(r.byte).toBe(255);
    expect(r.newMin).toBeCloseTo(-1.25, 12);
    const m = JSON.parse(r.text);
    expect(m.weightsManifest[0].weights[1].quantization.min).toBeCloseTo(-1.25, 12);
    expect(m.weightsManifest[0].weights[0]).toEqual(weights[0]);
    expect(m.userDefinedMetadata.calibration.biasShift).toBe(-1.5);
    // The text before the bias's min is untouched.
    const prefix = text.slice(0, text.indexOf('"min": 0.25'));
    expect(prefix.length).toBeGreaterThan(100);
    expect(r.text.startsWith(`${prefix}"min": -1.25`)).toBe(true);
  });

  it('adds to the previous shift when run again', () => {
    const once = calibrateModelJson(JSON.stringify(base), 1.5, 0.5).text;
    const twice = calibrateModelJson(once, -0.25, 0.5);
    expect(twice.previousShift).toBe(-1.5);
    expect(JSON.parse(twice.text).userDefinedMetadata).toEqual({ calibration: { biasShift: -1.25, note: expect.any(String) } });
    expect(JSON.parse(twice.text).weightsManifest[0].weights[1].quantization.min).toBeCloseTo(0.25 - 1.5 + 0.25, 12);
  });

  it('keeps metadata the training run wrote (the wasm export) instead of adding a second key', () => {
    const pretraining = { pipeline: 'scripts/pretrain/pretrain-wasm.mjs', steps: 400, lastEval: { auc: 0.9 } };
    const text = JSON.stringify({ ...base, userDefinedMetadata: { pretraining } });
    const r = calibrateModelJson(text, 0.5, 0.5);
    expect(r.text.match(/"userDefinedMetadata"/g)).toHaveLength(1);
    expect(JSON.parse(r.text).userDefinedMetadata).toEqual({ pretraining, calibration: { biasShift: -0.5, note: expect.any(String) } });
  });

  it('refuses a bias that is not one uint8 value, metadata not at the end, and a non-number', () => {
    const float = {
      ...base,
      weightsManifest: [{ paths: ['w.bin'], weights: [weights[0], { name: 'classifier/bias', shape: [1], dtype: 'float32' }] }],
    };
    expect(() => calibrateModelJson(JSON.stringify(float), 1, 0.5)).toThrow(/not one uint8-quantized value/);
    const { weightsManifest, ...rest } = base;
    const early = JSON.stringify({ ...rest, userDefinedMetadata: { x: 1 }, weightsManifest });
    expect(() => calibrateModelJson(early, 1, 0.5)).toThrow(/not the last field/);
    expect(() => calibrateModelJson(JSON.stringify(base), Number.NaN, 0.5)).toThrow(/not a number/);
  });
});
