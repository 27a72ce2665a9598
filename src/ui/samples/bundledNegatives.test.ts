import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { EnsureNegativesResult, NegativesProgress } from '../../data';

type Ensure = (baseUrl: string, onProgress?: (p: NegativesProgress) => void) => Promise<EnsureNegativesResult>;
const ensure = vi.fn<Ensure>();
vi.mock('../../data', () => ({ ensureBundledNegatives: (...args: Parameters<Ensure>) => ensure(...args) }));

/** A fresh copy of the module (its state is per page load). */
async function fresh() {
  vi.resetModules();
  return import('./bundledNegatives');
}

function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

describe('loadBundledNegatives', () => {
  beforeEach(() => ensure.mockReset());

  it('runs once however often it is started (StrictMode mounts effects twice), reporting progress', async () => {
    const m = await fresh();
    const d = deferred<EnsureNegativesResult>();
    ensure.mockImplementation((_url, onProgress) => {
      onProgress?.({ loaded: 100, total: 1200, bytesRead: 1, bytesTotal: 2 });
      return d.promise;
    });
    const stored = vi.fn();
    const seen: string[] = [];
    m.subscribeNegatives(() => seen.push(m.negativesSnapshot().phase));
    m.loadBundledNegatives('/', stored);
    m.loadBundledNegatives('/', stored);
    expect(ensure).toHaveBeenCalledTimes(1);
    expect(ensure.mock.calls[0]![0]).toBe('/');
    expect(m.negativesSnapshot()).toEqual({ phase: 'loading', loaded: 100, total: 1200 });
    d.resolve({ status: 'loaded', version: 'v1', count: 1200 });
    await d.promise;
    await Promise.resolve();
    expect(m.negativesSnapshot()).toEqual({ phase: 'done', result: { status: 'loaded', version: 'v1', count: 1200 } });
    expect(stored).toHaveBeenCalledTimes(2); // after the batch, and at the end
    m.loadBundledNegatives('/', stored);
    expect(ensure).toHaveBeenCalledTimes(1);
    expect(seen).toEqual(['loading', 'loading', 'done']);
  });

  it('reports a failure and can be retried', async () => {
    const m = await fresh();
    ensure.mockRejectedValueOnce(new Error('HTTP 404'));
    m.loadBundledNegatives('/app/', () => {});
    await vi.waitFor(() => expect(m.negativesSnapshot().phase).toBe('error'));
    expect(m.negativesSnapshot()).toEqual({ phase: 'error', message: 'HTTP 404' });
    ensure.mockResolvedValueOnce({ status: 'already-loaded', version: 'v1', count: 1200 });
    m.loadBundledNegatives('/app/', () => {});
    expect(ensure).toHaveBeenCalledTimes(2);
    await vi.waitFor(() => expect(m.negativesSnapshot().phase).toBe('done'));
  });
});
