/** Runs once before the suite: checks the browser and makes the fake-camera clips (cached). */
import { checkChromium } from './fixtures/browser';
import { ensureClips } from './fixtures/clips';

export default function globalSetup(): void {
  checkChromium();
  const t0 = Date.now();
  const clips = ensureClips();
  const summary = Object.entries(clips).map(([name, c]) => `${name}: ${c.photos.length} photos, ${c.frames} frames`);
  console.log(`[e2e] fake-camera clips ready in ${Date.now() - t0} ms (${summary.join('; ')})`);
}
