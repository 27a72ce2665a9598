import { errorMessage } from '../common';
/**
 * A streaming reader for tar and gzipped tar archives over a `ReadableStream<Uint8Array>` (e.g.
 * `file.stream()` or `response.body`): the archive never sits whole in memory, only the member
 * being read. Gzip is undone with `DecompressionStream('gzip')` (browsers and Node 20).
 *
 * Every member that is whole before a damaged spot is yielded; then a `TarError` says what is
 * wrong. (modern-tar's streaming decoder was tried first: in strict mode it drops members it had
 * already parsed when it meets damage, and without strict mode it silently skips damaged headers,
 * so this small reader of ustar / GNU / pax headers is used instead.)
 */

export type TarErrorCode = 'corrupt-archive' | 'truncated-archive' | 'corrupt-gzip';

export class TarError extends Error {
  override readonly name = 'TarError';
  constructor(
    readonly code: TarErrorCode,
    /** The archive's name as given to `readTar`. */
    readonly archive: string,
    /** The last member read intact before the error, if any. */
    readonly lastGood: string | undefined,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface TarFile {
  /** Path inside the archive, without a leading `./`. */
  readonly path: string;
  readonly size: number;
  readonly data: Uint8Array<ArrayBuffer>;
}

export interface ReadTarOptions {
  /** Name of the archive, for error messages. */
  readonly name?: string;
  /** Whether the stream is gzipped; 'auto' (default) looks at the first two bytes. */
  readonly gzip?: boolean | 'auto';
  /** Called with the running total of bytes read from `source` (compressed bytes for .tgz). */
  readonly onBytes?: (bytesRead: number) => void;
  /**
   * Called for each regular file before its data is read; returning false skips it without
   * buffering it (e.g. to refuse huge members).
   */
  readonly accept?: (path: string, size: number) => boolean;
}

/** True for names that `readTar` should open: .tar, .tgz, .tar.gz. */
export function isTarName(name: string): boolean {
  return /\.(tar|tgz|tar\.gz)$/i.test(name);
}

const GZIP_MAGIC = [0x1f, 0x8b] as const;

/**
 * Wraps a stream: reports the running byte count to `onBytes`, and replaces a read error with
 * `wrapError(error)` so the caller can tell which stage failed.
 */
function watched(
  source: ReadableStream<Uint8Array>,
  wrapError: (e: unknown) => unknown = (e) => e,
  onBytes?: (n: number) => void,
): ReadableStream<Uint8Array> {
  const reader = source.getReader();
  let total = 0;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { done, value } = await reader.read();
        if (done) {
          controller.close();
          return;
        }
        total += value.byteLength;
        onBytes?.(total);
        controller.enqueue(value);
      } catch (e) {
        controller.error(wrapError(e));
      }
    },
    cancel: (reason) => reader.cancel(reason),
  });
}

/** Reads the first chunk(s) until `n` bytes are known; returns them and a stream of everything. */
async function peekBytes(source: ReadableStream<Uint8Array>, n: number): Promise<[Uint8Array, ReadableStream<Uint8Array>]> {
  const reader = source.getReader();
  const head: Uint8Array[] = [];
  let have = 0;
  let done = false;
  while (have < n && !done) {
    const r = await reader.read();
    if (r.done) done = true;
    else {
      head.push(r.value);
      have += r.value.byteLength;
    }
  }
  const first = new Uint8Array(have);
  head.reduce((at, c) => (first.set(c, at), at + c.byteLength), 0);
  const rest = new ReadableStream<Uint8Array>({
    start(controller) {
      if (have > 0) controller.enqueue(first);
      if (done) controller.close();
    },
    async pull(controller) {
      const r = await reader.read();
      if (r.done) controller.close();
      else controller.enqueue(r.value);
    },
    cancel: (reason) => reader.cancel(reason),
  });
  return [first, rest];
}

const BLOCK = 512;

/** Bytes from a stream reader, read on demand, handed out in exact amounts. */
class ByteQueue {
  private chunks: Uint8Array[] = [];
  private head = 0; // read offset into chunks[0]
  private length = 0;
  private ended = false;

  constructor(private readonly reader: ReadableStreamDefaultReader<Uint8Array>) {}

  /** Reads until `n` bytes are queued; false when the stream ends first. */
  async fill(n: number): Promise<boolean> {
    while (this.length < n && !this.ended) {
      const { done, value } = await this.reader.read();
      if (done) this.ended = true;
      else if (value.byteLength > 0) {
        this.chunks.push(value);
        this.length += value.byteLength;
      }
    }
    return this.length >= n;
  }

  get available(): number {
    return this.length;
  }

  /** Moves up to `dst.length - at` queued bytes into dst; returns how many. */
  private drainInto(dst: Uint8Array | null, at: number, want: number): number {
    let moved = 0;
    while (moved < want && this.chunks.length > 0) {
      const chunk = this.chunks[0]!;
      const n = Math.min(want - moved, chunk.byteLength - this.head);
      dst?.set(chunk.subarray(this.head, this.head + n), at + moved);
      moved += n;
      this.head += n;
      if (this.head === chunk.byteLength) {
        this.chunks.shift();
        this.head = 0;
      }
    }
    this.length -= moved;
    return moved;
  }

  /** Fills `dst` (or skips dst-less `n` bytes), reading as it goes; false when the stream ends first. */
  async read(dst: Uint8Array | null, n = dst?.length ?? 0): Promise<boolean> {
    let at = 0;
    while (at < n) {
      if (this.length === 0 && !(await this.fill(1))) return false;
      at += this.drainInto(dst, at, n - at);
    }
    return true;
  }
}

const textDecoder = new TextDecoder();

/** A NUL-terminated field. */
function field(h: Uint8Array, at: number, len: number): string {
  const end = h.subarray(at, at + len).indexOf(0);
  return textDecoder.decode(h.subarray(at, end < 0 ? at + len : at + end));
}

/** An octal number field (or GNU base-256 when the top bit is set); NaN when malformed. */
function numeric(h: Uint8Array, at: number, len: number): number {
  if (h[at]! & 0x80) {
    let v = h[at]! & 0x7f;
    for (let i = 1; i < len; i++) v = v * 256 + h[at + i]!;
    return v;
  }
  const text = field(h, at, len).trim();
  return /^[0-7]*$/.test(text) ? (text === '' ? 0 : parseInt(text, 8)) : NaN;
}

function checksumOk(h: Uint8Array): boolean {
  const stored = numeric(h, 148, 8);
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < BLOCK; i++) {
    const b = i >= 148 && i < 156 ? 0x20 : h[i]!;
    unsigned += b;
    signed += b > 127 ? b - 256 : b;
  }
  return stored === unsigned || stored === signed; // some old writers summed signed bytes
}

/** The `path` and `size` records of a pax extended header. */
function parsePax(body: Uint8Array): { path?: string; size?: number } {
  const out: { path?: string; size?: number } = {};
  for (const record of textDecoder.decode(body).split('\n')) {
    const m = /^\d+ ([^=]+)=(.*)$/s.exec(record);
    if (m?.[1] === 'path') out.path = m[2]!;
    if (m?.[1] === 'size' && /^\d+$/.test(m[2]!)) out.size = Number(m[2]);
  }
  return out;
}

const isZeroBlock = (h: Uint8Array) => h.every((b) => b === 0);
const padded = (size: number) => Math.ceil(size / BLOCK) * BLOCK;

/**
 * Yields each regular file of a tar or .tgz stream, in archive order. Breaking out of the loop
 * cancels the source. Directories, links and other entries are passed over. An archive that ends
 * cleanly after a member without the end-of-archive blocks is accepted.
 */
export async function* readTar(source: ReadableStream<Uint8Array>, options: ReadTarOptions = {}): AsyncGenerator<TarFile, void, undefined> {
  const name = options.name ?? 'archive';
  let lastGood: string | undefined;
  const where = () => (lastGood === undefined ? 'at its start' : `after "${lastGood}"`);
  const truncated = () =>
    new TarError('truncated-archive', name, lastGood, `"${name}" is cut short ${where()}; the files before were read.`);
  const corrupt = (what: string) => {
    const msg = lastGood === undefined ? 'is not a tar archive, or is damaged at its start' : `is damaged ${where()}`;
    return new TarError('corrupt-archive', name, lastGood, `"${name}" ${msg} (${what}).`);
  };

  const counted = watched(source, undefined, options.onBytes);
  let reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
  try {
    const [head, stream] = await peekBytes(counted, GZIP_MAGIC.length);
    const gzip =
      options.gzip === 'auto' || options.gzip === undefined ? head[0] === GZIP_MAGIC[0] && head[1] === GZIP_MAGIC[1] : options.gzip;
    const tarBytes = gzip
      ? watched(stream.pipeThrough(new DecompressionStream('gzip') as ReadableWritablePair<Uint8Array, Uint8Array>), (e) => {
          const msg = errorMessage(e);
          // Node: "unexpected end of file"; Chrome: "Compressed input was truncated.".
          if (/truncat|unexpected end/i.test(msg)) return Object.assign(truncated(), { cause: e });
          return new TarError('corrupt-gzip', name, lastGood, `"${name}" is not valid gzip data ${where()} (${msg}).`, { cause: e });
        })
      : stream;
    reader = tarBytes.getReader();
    const q = new ByteQueue(reader);
    let longName: string | undefined;
    let pax: { path?: string; size?: number } = {};
    for (;;) {
      if (!(await q.fill(BLOCK))) {
        if (q.available === 0 && longName === undefined && pax.path === undefined) break; // ends after a member
        throw truncated();
      }
      const h = new Uint8Array(BLOCK);
      await q.read(h);
      if (isZeroBlock(h)) break; // end-of-archive
      if (!checksumOk(h)) throw corrupt('bad header checksum');
      const headerSize = numeric(h, 124, 12);
      if (!Number.isSafeInteger(headerSize) || headerSize < 0) throw corrupt('bad size field');
      const type = String.fromCharCode(h[156]!);
      const size = pax.size ?? headerSize;

      if (type === 'L' || type === 'x' || type === 'g') {
        if (size > 1 << 20) throw corrupt(`${size}-byte metadata entry`);
        const body = new Uint8Array(size);
        if (!(await q.read(body)) || !(await q.read(null, padded(size) - size))) throw truncated();
        if (type === 'L') longName = field(body, 0, body.length);
        else if (type === 'x') pax = parsePax(body);
        continue;
      }

      const prefix = field(h, 257, 6) === 'ustar' ? field(h, 345, 155) : '';
      const rawPath = pax.path ?? longName ?? (prefix ? `${prefix}/${field(h, 0, 100)}` : field(h, 0, 100));
      const path = rawPath.replace(/^(\.\/)+/, '');
      longName = undefined;
      pax = {};
      // Regular files: '0', NUL (old tars) and '7' (contiguous). Others have no data we want.
      const isFile = (type === '0' || type === '\0' || type === '7') && !path.endsWith('/');
      const bodyBytes = type === '1' || type === '2' || type === '5' ? 0 : size;
      if (!isFile || (options.accept && !options.accept(path, size))) {
        if (!(await q.read(null, padded(bodyBytes)))) throw truncated();
        continue;
      }
      const data = new Uint8Array(size);
      if (!(await q.read(data)) || !(await q.read(null, padded(size) - size))) throw truncated();
      lastGood = path;
      yield { path, size, data };
    }
  } catch (e) {
    if (e instanceof TarError) throw e;
    throw corrupt(errorMessage(e));
  } finally {
    // Stop reading: on an early break, after the end-of-archive blocks, or after an error.
    if (reader) {
      await reader.cancel().catch(() => {});
      reader.releaseLock();
    } else await counted.cancel().catch(() => {});
  }
}
