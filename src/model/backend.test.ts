import * as tf from '@tensorflow/tfjs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  isSoftwareRenderer,
  maxWasmThreads,
  planBackend,
  selectBackend,
  softwareRendererName,
  type BackendProbe,
  describeBackend,
} from './backend';

describe('isSoftwareRenderer', () => {
  it('recognises software rasterisers', () => {
    for (const r of [
      'ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero) (0x0000C0DE)), SwiftShader driver)',
      'Google SwiftShader',
      'llvmpipe (LLVM 15.0.6, 256 bits)',
      'softpipe',
      'Mesa OffScreen',
      'Microsoft Basic Render Driver',
      'Apple Software Renderer',
      'ANGLE (Mesa, llvmpipe (LLVM 12.0.0, 256 bits), OpenGL 4.5)',
    ]) {
      expect(isSoftwareRenderer(r), r).toBe(true);
    }
    expect(softwareRendererName('ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero)), SwiftShader driver)')).toBe('SwiftShader');
    expect(softwareRendererName('llvmpipe (LLVM 15.0.6, 256 bits)')).toBe('llvmpipe');
  });

  it('accepts real GPUs, Mesa hardware drivers included', () => {
    for (const r of [
      'ANGLE (NVIDIA, NVIDIA GeForce RTX 3080 Direct3D11 vs_5_0 ps_5_0, D3D11)',
      'ANGLE (Intel, Mesa Intel(R) UHD Graphics 620 (KBL GT2), OpenGL 4.6)',
      'ANGLE (AMD, AMD Radeon RX 6800 XT (radeonsi, navi21, LLVM 15.0.7, DRM 3.49), OpenGL 4.6)',
      'Apple M1',
      'ANGLE (Apple, ANGLE Metal Renderer: Apple M2, Unspecified Version)',
      'Adreno (TM) 650',
      'Mali-G78',
      'WebKit WebGL',
    ]) {
      expect(isSoftwareRenderer(r), r).toBe(false);
    }
  });
});

describe('planBackend', () => {
  const base: BackendProbe = {
    renderer: 'ANGLE (NVIDIA, NVIDIA GeForce RTX 3080)',
    wasmSimd: true,
    wasmThreads: true,
    hardwareConcurrency: 8,
  };

  it('takes WebGL on a real GPU', () => {
    expect(planBackend(base)).toEqual({ backend: 'webgl', threads: 1, why: 'WebGL runs on the GPU' });
  });

  it('takes threaded wasm over a software WebGL, and over no WebGL', () => {
    const sw = planBackend({ ...base, renderer: 'Google SwiftShader' });
    expect(sw).toEqual({ backend: 'wasm', threads: 4, why: 'WebGL here is a software renderer (SwiftShader) and would be far slower' });
    expect(planBackend({ ...base, renderer: null })).toMatchObject({ backend: 'wasm', threads: 4, why: 'WebGL is not available here' });
  });

  it('uses one thread without cross-origin isolation, and honours threads and force', () => {
    expect(planBackend({ ...base, renderer: null, wasmThreads: false }, { threads: 4 }).threads).toBe(1);
    expect(planBackend({ ...base, renderer: null }, { threads: 2 }).threads).toBe(2);
    expect(planBackend({ ...base, renderer: null }, { threads: 64 }).threads).toBe(4);
    expect(planBackend({ ...base, renderer: null, hardwareConcurrency: 32 }, { threads: 64 }).threads).toBe(8);
    expect(planBackend(base, { force: 'wasm' })).toMatchObject({ backend: 'wasm', threads: 4 });
    expect(planBackend({ ...base, renderer: 'llvmpipe' }, { force: 'webgl' }).backend).toBe('webgl');
    expect(planBackend(base, { force: 'cpu' })).toMatchObject({ backend: 'cpu', threads: 1 });
  });

  it('uses at most what tfjs-backend-wasm allows: half the logical cores, 1 to 8', () => {
    expect([1, 2, 4, 8, 16, 32, 0].map(maxWasmThreads)).toEqual([1, 1, 2, 4, 8, 8, 1]);
  });
});

describe('selectBackend in Node', () => {
  const wasmDir = path.dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm')) + path.sep;
  afterAll(async () => {
    await tf.setBackend('cpu');
  });

  it('picks single-threaded SIMD wasm where there is no WebGL and explains why', async () => {
    const report = await selectBackend({ wasmPaths: wasmDir });
    expect(report).toEqual({
      backend: 'wasm',
      threads: 1,
      simd: true,
      renderer: null,
      reason: 'WebAssembly, 1 thread, SIMD: WebGL is not available here (single-threaded: the page is not cross-origin isolated)',
    });
    expect(tf.getBackend()).toBe('wasm');
    const y = tf.tidy(() => tf.conv2d(tf.ones([1, 4, 4, 1]) as tf.Tensor4D, tf.ones([3, 3, 1, 1]) as tf.Tensor4D, 1, 'valid').dataSync());
    expect(Array.from(y)).toEqual([9, 9, 9, 9]);
  });

  it('can be forced to cpu, and falls back from an unavailable WebGL', async () => {
    expect(await selectBackend({ force: 'cpu' })).toMatchObject({
      backend: 'cpu',
      threads: 1,
      simd: false,
      reason: 'Plain JavaScript (slow): chosen by the caller',
    });
    const r = await selectBackend({ force: 'webgl' });
    expect(r.backend).toBe('wasm');
    expect(r.reason).toMatch(/^WebAssembly, 1 thread, SIMD: webgl failed/);
  });
});

describe('describeBackend', () => {
  it('says when forced WebGL runs on a software renderer rather than a GPU', () => {
    const swiftshader = 'ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero) (0x0000C0DE)), SwiftShader driver)';
    expect(describeBackend('webgl', 1, false, swiftshader, 'chosen by the caller')).toMatch(/^WebGL on SwiftShader, not a GPU \(slow\)/);
    expect(describeBackend('webgl', 1, false, 'ANGLE (NVIDIA GeForce RTX 4090)', 'WebGL runs on the GPU')).toBe(
      'WebGL on the GPU (ANGLE (NVIDIA GeForce RTX 4090))',
    );
  });
});
