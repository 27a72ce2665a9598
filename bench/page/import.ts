/**
 * Import speed: an LFW-layout .tgz (picked into the page's file input by the Node side) through
 * the app's importImages into the app's IndexedDB sample store, as a user's "import an archive".
 */
import { getSampleStore, importImages } from '../../src/data';

export interface ImportMeasure {
  readonly images: number;
  readonly seconds: number;
  readonly peakHeapMB: number;
  readonly startHeapMB: number;
  readonly skipped: number;
  readonly storedAfter: number;
  readonly archiveMB: number;
}

interface MemoryInfo {
  readonly usedJSHeapSize: number;
}

/** Used JS heap in bytes (Chromium's performance.memory; precise with --enable-precise-memory-info). */
function usedHeap(): number {
  const m = (performance as unknown as { memory?: MemoryInfo }).memory;
  if (!m) throw new Error('performance.memory is not available: the bench needs Chromium');
  return m.usedJSHeapSize;
}

export async function importArchive(input: HTMLInputElement): Promise<ImportMeasure> {
  const file = input.files?.[0];
  if (!file) throw new Error('no archive in the file input');
  const samples = getSampleStore();
  const existing = (await samples.countByKind()).negative;
  if (existing !== 0) throw new Error(`the profile already holds ${existing} negatives: the import needs a fresh profile`);
  const startHeap = usedHeap();
  let peak = startHeap;
  const sample = () => (peak = Math.max(peak, usedHeap()));
  const timer = setInterval(sample, 50);
  const t0 = performance.now();
  let lastLog = t0;
  try {
    const summary = await importImages([file], {
      kind: 'negative',
      onProgress: (p) => {
        sample();
        if (performance.now() - lastLog > 10_000) {
          lastLog = performance.now();
          console.log(`[bench] import: ${p.imported} images, ${(p.bytesRead / 1e6).toFixed(0)}/${(p.bytesTotal / 1e6).toFixed(0)} MB`);
        }
      },
    });
    const seconds = (performance.now() - t0) / 1000;
    sample();
    if (summary.error) throw summary.error;
    const storedAfter = (await samples.countByKind()).negative;
    return {
      images: summary.imported,
      seconds,
      peakHeapMB: peak / 2 ** 20,
      startHeapMB: startHeap / 2 ** 20,
      skipped: summary.skipped.length,
      storedAfter,
      archiveMB: file.size / 2 ** 20,
    };
  } finally {
    clearInterval(timer);
  }
}
