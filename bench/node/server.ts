/**
 * The bench page in the app's production build: `vite build` of bench/harness.html (with the app's
 * vite.config.ts: same bundling, minify settings and public/ files) into bench/results/.build, then
 * `vite preview` of it (COOP/COEP headers from vite.config.ts, so the page is cross-origin isolated
 * and wasm can use threads). dist/ is not touched. The preview server also serves the face set
 * read-only under PHOTO_BASE for the accuracy part.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';
import { build, preview, type Plugin, type PreviewServer } from 'vite';

export const PHOTO_BASE = '/__bench/photos/';
export const HARNESS_PATH = '/bench/harness.html';

/** A free TCP port on localhost. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

export async function buildHarness(root: string, outDir: string): Promise<number> {
  const t0 = performance.now();
  delete process.env.E2E_HARNESS; // that switch would add the e2e pages and move outDir
  await build({
    root,
    logLevel: 'warn',
    build: { outDir, emptyOutDir: true, rolldownOptions: { input: { bench: path.join(root, 'bench/harness.html') } } },
  });
  return (performance.now() - t0) / 1000;
}

/** Serves `<dir>/<Person>/<file>` under PHOTO_BASE (GET only, no listing, nothing outside `dir`). */
function photoRoute(dir: string): Plugin {
  const root = path.resolve(dir);
  return {
    name: 'bench-photos',
    configurePreviewServer(server) {
      server.middlewares.use(PHOTO_BASE, (req, res, next) => {
        const rel = decodeURIComponent((req.url ?? '').split('?')[0]!).replace(/^\/+/, '');
        const file = path.resolve(root, rel);
        if (req.method !== 'GET' || !file.startsWith(root + path.sep)) return next();
        stat(file).then(
          (s) => {
            if (!s.isFile()) return next();
            res.setHeader('Content-Type', /\.png$/i.test(file) ? 'image/png' : 'image/jpeg');
            res.setHeader('Content-Length', String(s.size));
            res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
            createReadStream(file).pipe(res);
          },
          () => next(),
        );
      });
    },
  };
}

export interface HarnessServer {
  readonly origin: string;
  close(): Promise<void>;
}

export async function serveHarness(root: string, outDir: string, photoDir: string): Promise<HarnessServer> {
  const port = await freePort();
  const server: PreviewServer = await preview({
    root,
    logLevel: 'warn',
    build: { outDir },
    preview: { port, strictPort: true, host: '127.0.0.1', open: false },
    plugins: [photoRoute(photoDir)],
  });
  return { origin: `http://127.0.0.1:${port}`, close: () => server.close() };
}
