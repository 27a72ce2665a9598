/**
 * Privacy inside workers. The training worker fetches the WebAssembly binaries and the pretrained
 * model itself, and tfjs-backend-wasm starts nested (pthread) workers from it. So:
 *
 * 1. the preview server (like the dev server) sends index.html's Content-Security-Policy as a
 *    response header, the training worker's script included: a <meta> policy binds only its own
 *    document, and a worker started from a script URL gets the policy of that script's response;
 * 2. requests made inside a dedicated worker, and inside a worker that worker starts, reach the
 *    fixtures' privacy guard (Playwright reports them as the context's `request` events), and with
 *    the header the workers' cross-origin fetches are refused by the CSP before they are sent;
 * 3. without the header such a request does go out, and the guard reports it as a violation.
 *
 * The probe worker is a script at a same-origin URL, answered (page.route) with the headers that the
 * server sends for the real training worker's script and a body that fetches what it is told to.
 */
import type { APIRequestContext, Page } from '@playwright/test';
import { createPrivacyGuard, expect, test } from './fixtures';

const HARNESS = '/e2e/harness/index.html';
const PROBE_PATH = '/__privacy-probe-worker.js';

/**
 * The probe (a classic worker): fetches `urls`, then starts a nested worker from a blob of its own
 * source that fetches `nested`; reports each fetch's outcome and the CSP violations it saw.
 */
const PROBE_SOURCE = `
const violations = [];
self.addEventListener('securitypolicyviolation', (e) => violations.push({ directive: e.effectiveDirective, blocked: e.blockedURI }));
self.onmessage = async (e) => {
  const { urls, nested, source } = e.data;
  const results = {};
  for (const url of urls) {
    try { results[url] = 'HTTP ' + (await fetch(url)).status; } catch { results[url] = 'failed'; }
  }
  let inner = null;
  if (nested) {
    const worker = new Worker(URL.createObjectURL(new Blob([source], { type: 'text/javascript' })));
    inner = await new Promise((resolve) => {
      worker.onmessage = (m) => resolve(m.data);
      worker.onerror = (m) => resolve({ results: {}, violations: [], inner: null, error: m.message });
      worker.postMessage({ urls: nested, nested: null, source });
    });
    worker.terminate();
  }
  await new Promise((r) => setTimeout(r, 100)); // violation events may follow the fetch's rejection
  self.postMessage({ results, violations, inner });
};
`;

interface ProbeReport {
  /** URL → 'HTTP <status>' or 'failed'. */
  readonly results: Record<string, string>;
  readonly violations: readonly { readonly directive: string; readonly blocked: string }[];
  /** The nested worker's report. */
  readonly inner: ProbeReport | null;
  readonly error?: string;
}

/** The CSP of an HTML page's <meta>. */
function metaCsp(html: string): string | undefined {
  return /<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)?.[1];
}

/** The built training worker's script URL, found in the scripts that index.html loads. */
async function trainingWorkerUrl(request: APIRequestContext): Promise<string> {
  const html = await (await request.get('/')).text();
  const scripts = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+\.js)"/g)].map((m) => m[1]!);
  for (const script of scripts) {
    const worker = /\/assets\/worker-[\w-]+\.js/.exec(await (await request.get(script)).text())?.[0];
    if (worker) return worker;
  }
  throw new Error(`no /assets/worker-*.js referenced from the scripts of index.html (${scripts.join(', ') || 'none'})`);
}

/** Answers PROBE_PATH with the probe, under the headers the server sends for `workerUrl` (optionally without its CSP). */
async function serveProbe(page: Page, workerUrl: string, csp: 'server' | 'none'): Promise<void> {
  await page.route(`**${PROBE_PATH}`, async (route) => {
    const real = await route.fetch({ url: workerUrl });
    const headers = { ...real.headers() };
    delete headers['content-length'];
    if (csp === 'none') delete headers['content-security-policy'];
    await route.fulfill({ status: 200, headers, body: PROBE_SOURCE });
  });
}

/** Starts the probe worker on `page` and returns its report. */
function runProbe(page: Page, urls: readonly string[], nested: readonly string[]): Promise<ProbeReport> {
  return page.evaluate(
    ([path, source, own, inner]) =>
      new Promise<ProbeReport>((resolve, reject) => {
        const worker = new Worker(path);
        worker.onmessage = (e: MessageEvent<ProbeReport>) => {
          worker.terminate();
          resolve(e.data);
        };
        worker.onerror = (e) => {
          worker.terminate();
          reject(new Error(`probe worker: ${e.message}`));
        };
        worker.postMessage({ urls: own, nested: inner, source });
      }),
    [PROBE_PATH, PROBE_SOURCE, urls, nested] as const,
  );
}

/** Marked probe URLs: on the app's origin, and on another origin (the same server under another host name). */
function probeUrls(baseURL: string | undefined) {
  if (!baseURL) throw new Error('baseURL is not set in playwright.config.ts');
  const marker = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
  const otherOrigin = new URL(baseURL);
  otherOrigin.hostname = otherOrigin.hostname === '127.0.0.1' ? 'localhost' : '127.0.0.1';
  return {
    marker,
    appOrigin: new URL(baseURL).origin,
    own: (who: string) => new URL(`/?privacy-probe=${who}-${marker}`, baseURL).href,
    other: (who: string) => new URL(`/?privacy-probe=${who}-${marker}`, otherOrigin).href,
  };
}

test('the server sends the page CSP as a header, on the page and on the training worker script', async ({ request }) => {
  const index = await request.get('/');
  const csp = metaCsp(await index.text());
  expect(csp, 'index.html has a CSP <meta>').toBeTruthy();
  expect(index.headers()['content-security-policy']).toBe(csp);
  const workerUrl = await trainingWorkerUrl(request);
  const worker = await request.get(workerUrl);
  expect(worker.ok(), workerUrl).toBe(true);
  expect(worker.headers()['content-type']).toContain('javascript');
  expect(worker.headers()['content-security-policy']).toBe(csp);
  expect(worker.headers()['cross-origin-embedder-policy']).toBe('require-corp');
});

test('requests from a worker and its nested worker reach the privacy guard; the CSP header refuses their cross-origin ones', async ({
  page,
  privacy,
  request,
  baseURL,
}) => {
  const { marker, own, other } = probeUrls(baseURL);
  await serveProbe(page, await trainingWorkerUrl(request), 'server');
  await page.goto(HARNESS);
  const report = await runProbe(page, [own('worker'), other('worker')], [own('nested'), other('nested')]);
  test.info().annotations.push({ type: 'probe', description: JSON.stringify(report) });

  // The same-origin fetches of both workers went through, and the guard recorded them.
  expect(report.results[own('worker')]).toBe('HTTP 200');
  expect(report.inner?.results[own('nested')]).toBe('HTTP 200');
  await expect.poll(() => privacy.requests.filter((u) => u.includes(marker)).sort()).toEqual([own('nested'), own('worker')].sort());
  // The cross-origin ones were refused inside each worker by its CSP (connect-src), so nothing was
  // sent: the guard saw no request to the other origin, and there is no violation to report.
  expect(report.results[other('worker')]).toBe('failed');
  expect(report.violations).toEqual([{ directive: 'connect-src', blocked: other('worker') }]);
  expect(report.inner?.results[other('nested')]).toBe('failed');
  expect(report.inner?.violations).toEqual([{ directive: 'connect-src', blocked: other('nested') }]);
  expect(privacy.violations).toEqual([]);
});

test('without the CSP header a worker request to another origin goes out, and the privacy guard reports it', async ({
  browser,
  request,
  baseURL,
}) => {
  // A context of its own with a guard of its own: the fixture's guard would (rightly) fail this test.
  const { marker, appOrigin, own, other } = probeUrls(baseURL);
  const context = await browser.newContext({ baseURL });
  const guard = createPrivacyGuard(appOrigin, []);
  guard.watch(context);
  try {
    const page = await context.newPage();
    await serveProbe(page, await trainingWorkerUrl(request), 'none');
    await page.goto(HARNESS);
    const report = await runProbe(page, [own('worker'), other('worker')], [own('nested'), other('nested')]);
    test.info().annotations.push({ type: 'probe', description: JSON.stringify(report) });

    // No CSP in the workers: nothing refused the requests (the page's <meta> policy does not reach them).
    expect(report.violations).toEqual([]);
    expect(report.inner?.violations).toEqual([]);
    // The guard saw all four, and reports the two that left the app's origin.
    await expect.poll(() => guard.requests.filter((u) => u.includes(marker)).length).toBe(4);
    expect([...guard.violations].sort()).toEqual([other('nested'), other('worker')].sort());
  } finally {
    await context.close();
  }
});
