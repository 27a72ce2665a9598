import { createStore, delMany, getMany, promisifyRequest, setMany, type UseStore } from 'idb-keyval';
import { DB_NAMES, isQuotaExceeded, StorageError } from './storage';

/**
 * The sample galleries: every captured, imported or bundled image, stored as an encoded image blob
 * plus a small record.
 *
 * One object store holds both, under two key families:
 *   `r/<kind>/<id>` → SampleRecord (small)     `b/<id>` → Blob (the image)
 * so that listing and counting a kind reads only records (a key range on `r/<kind>/`), never a
 * blob, and a record and its blob are written (and deleted) in one transaction: a failure cannot
 * leave a record without its blob.
 */

export const SAMPLE_KINDS = ['anchor', 'positive', 'negative', 'verification'] as const;
export type SampleKind = (typeof SAMPLE_KINDS)[number];

export const SAMPLE_SOURCES = ['webcam', 'import', 'bundled'] as const;
export type SampleSource = (typeof SAMPLE_SOURCES)[number];

export function isSampleKind(v: unknown): v is SampleKind {
  return (SAMPLE_KINDS as readonly unknown[]).includes(v);
}

/** What the caller says about a new sample. */
export interface SampleMeta {
  readonly kind: SampleKind;
  readonly source: SampleSource;
  /** Pixel size of the stored image. */
  readonly width: number;
  readonly height: number;
  /** Person name, for imports (e.g. the LFW folder name). */
  readonly label?: string;
  /** Original file name or archive path, for imports. */
  readonly name?: string;
  /** The person an anchor, positive or verification image belongs to (people.ts); default: the default person. */
  readonly person?: string;
  /** A fixed id makes writing the sample idempotent (bundled samples); default: a random id. */
  readonly id?: string;
  /** Milliseconds since the epoch; default: now. */
  readonly createdAt?: number;
}

export interface SampleRecord {
  readonly id: string;
  readonly kind: SampleKind;
  readonly source: SampleSource;
  readonly createdAt: number;
  readonly width: number;
  readonly height: number;
  /** Size and MIME type of the stored blob. */
  readonly bytes: number;
  readonly type: string;
  readonly label?: string;
  readonly name?: string;
  /** Whose anchor, positive or verification image this is; records stored before people existed have none (people.ts personOf). */
  readonly person?: string;
}

export interface NewSample {
  readonly blob: Blob;
  readonly meta: SampleMeta;
}

export type KindCounts = Record<SampleKind, number>;

export interface SampleStore {
  /** Stores one sample (blob and record in one transaction); `storage-full` names the sample. */
  addSample(blob: Blob, meta: SampleMeta): Promise<SampleRecord>;
  /** Stores several samples in one transaction: all or none. */
  addSamples(items: readonly NewSample[]): Promise<SampleRecord[]>;
  /** Records only (no blobs), oldest first; all kinds when `kind` is omitted. */
  listSamples(kind?: SampleKind): Promise<SampleRecord[]>;
  /** Number of samples of each kind, without reading any record or blob. */
  countByKind(): Promise<KindCounts>;
  getSampleBlob(id: string): Promise<Blob | undefined>;
  /** Blobs of many samples in one transaction, in the order of `ids`. */
  getSampleBlobs(ids: readonly string[]): Promise<(Blob | undefined)[]>;
  deleteSample(id: string): Promise<void>;
  deleteSamples(ids: readonly string[]): Promise<void>;
  /** Deletes every sample of a kind; returns how many there were. */
  deleteKind(kind: SampleKind): Promise<number>;
  /** Gives the records of `ids` (any kind) to `person`, in one transaction; missing ids are skipped. */
  setPerson(ids: readonly string[], person: string): Promise<void>;
}

const recordKey = (kind: SampleKind, id: string) => `r/${kind}/${id}`;
const blobKey = (id: string) => `b/${id}`;
/** Every key that starts with `prefix` (ids are strings of ordinary characters). */
const prefixRange = (prefix: string) => IDBKeyRange.bound(prefix, `${prefix}\uffff`);

let idSequence = 0;

/**
 * Ids sort in the order the samples were added: the time, then a sequence number
 * for samples added in the same millisecond, then randomness against collisions
 * between tabs. (Listing sorts by time, then by id.)
 */
function newId(now: number): string {
  idSequence = (idSequence + 1) % 36 ** 4;
  const c = globalThis.crypto;
  const random = c?.randomUUID ? c.randomUUID().slice(0, 8) : Math.random().toString(36).slice(2, 10);
  return `${now.toString(36).padStart(9, '0')}-${idSequence.toString(36).padStart(4, '0')}-${random}`;
}

function describe(meta: SampleMeta): string {
  return meta.name ? `"${meta.name}"` : `a ${meta.source} ${meta.kind} sample`;
}

function checkSample({ blob, meta }: NewSample): void {
  const bad = (what: string) =>
    new StorageError('invalid-sample', `Cannot store ${describe(meta)}: ${what}.`, { name: meta.name ?? '', kind: String(meta.kind) });
  if (!isSampleKind(meta.kind)) throw bad(`kind = ${JSON.stringify(meta.kind)}, expected one of ${SAMPLE_KINDS.join(', ')}`);
  if (!(SAMPLE_SOURCES as readonly unknown[]).includes(meta.source)) throw bad(`source = ${JSON.stringify(meta.source)}`);
  for (const side of ['width', 'height'] as const) {
    const v = meta[side];
    if (!Number.isInteger(v) || v <= 0) throw bad(`${side} = ${JSON.stringify(v)}, expected a positive integer`);
  }
  if (!(blob instanceof Blob) || blob.size === 0) throw bad('the image is empty');
  if (meta.id !== undefined && (typeof meta.id !== 'string' || meta.id === '')) throw bad(`id = ${JSON.stringify(meta.id)}`);
  if (meta.person !== undefined && (typeof meta.person !== 'string' || meta.person === ''))
    throw bad(`person = ${JSON.stringify(meta.person)}`);
}

function toRecord({ blob, meta }: NewSample, now: number): SampleRecord {
  return {
    id: meta.id ?? newId(now),
    kind: meta.kind,
    source: meta.source,
    createdAt: meta.createdAt ?? now,
    width: meta.width,
    height: meta.height,
    bytes: blob.size,
    type: blob.type || 'application/octet-stream',
    ...(meta.label !== undefined ? { label: meta.label } : {}),
    ...(meta.name !== undefined ? { name: meta.name } : {}),
    ...(meta.person !== undefined && meta.kind !== 'negative' ? { person: meta.person } : {}),
  };
}

function byTime(a: SampleRecord, b: SampleRecord): number {
  return a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/**
 * A sample store over an idb-keyval store; by default the app's database
 * `siamese-face-id-samples`. Tests pass their own (e.g. one that simulates a full disk).
 */
export function createSampleStore(store: UseStore = createStore(DB_NAMES.samples, 'samples')): SampleStore {
  async function addSamples(items: readonly NewSample[]): Promise<SampleRecord[]> {
    items.forEach(checkSample);
    if (items.length === 0) return [];
    const now = Date.now();
    const records = items.map((item) => toRecord(item, now));
    // Blob first, record second, in one transaction (all or nothing).
    const entries: [IDBValidKey, unknown][] = [];
    records.forEach((r, i) => entries.push([blobKey(r.id), items[i]!.blob], [recordKey(r.kind, r.id), r]));
    try {
      await setMany(entries, store);
    } catch (e) {
      if (!isQuotaExceeded(e)) throw e;
      const first = items[0]!.meta;
      const what = items.length === 1 ? describe(first) : `${items.length} samples (from ${describe(first)})`;
      throw new StorageError(
        'storage-full',
        `Storage is full: could not save ${what}. Samples saved before are kept; delete some samples or free disk space.`,
        { name: first.name ?? '', kind: first.kind },
        { cause: e },
      );
    }
    return records;
  }

  async function listSamples(kind?: SampleKind): Promise<SampleRecord[]> {
    const range = prefixRange(kind === undefined ? 'r/' : `r/${kind}/`);
    const records = await store('readonly', (s) => promisifyRequest(s.getAll(range) as IDBRequest<SampleRecord[]>));
    return records.sort(byTime);
  }

  async function deleteSamples(ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    // The kind is not part of the id: delete the record key of every kind (missing keys are a no-op).
    const keys = ids.flatMap((id) => [blobKey(id), ...SAMPLE_KINDS.map((k) => recordKey(k, id))]);
    await delMany(keys, store);
  }

  return {
    addSamples,
    async addSample(blob, meta) {
      const [record] = await addSamples([{ blob, meta }]);
      return record!;
    },
    listSamples,
    async countByKind() {
      const counts = await store('readonly', (s) =>
        Promise.all(SAMPLE_KINDS.map((k) => promisifyRequest(s.count(prefixRange(`r/${k}/`))))),
      );
      return Object.fromEntries(SAMPLE_KINDS.map((k, i) => [k, counts[i]!])) as KindCounts;
    },
    async getSampleBlob(id) {
      const [blob] = await getMany<Blob>([blobKey(id)], store);
      return blob;
    },
    getSampleBlobs: (ids) => getMany<Blob>(ids.map(blobKey), store),
    deleteSample: (id) => deleteSamples([id]),
    deleteSamples,
    async deleteKind(kind) {
      const prefix = `r/${kind}/`;
      const keys = await store('readonly', (s) => promisifyRequest(s.getAllKeys(prefixRange(prefix))));
      await delMany(
        keys.flatMap((k) => [k, blobKey(String(k).slice(prefix.length))]),
        store,
      );
      return keys.length;
    },
    async setPerson(ids, person) {
      if (ids.length === 0) return;
      const wanted = new Set(ids);
      // Read and rewrite in one transaction, in the request's own callback (the transaction stays active there).
      await store(
        'readwrite',
        (s) =>
          new Promise<void>((resolve, reject) => {
            const read = s.getAll(prefixRange('r/')) as IDBRequest<SampleRecord[]>;
            read.onsuccess = () => {
              for (const r of read.result) {
                if (wanted.has(r.id) && r.kind !== 'negative') s.put({ ...r, person }, recordKey(r.kind, r.id));
              }
              promisifyRequest(s.transaction).then(resolve, reject);
            };
            read.onerror = () => reject(read.error);
          }),
      );
    },
  };
}

let defaultSamples: SampleStore | undefined;

/** The app's sample store (database `siamese-face-id-samples`), created on first use. */
export function getSampleStore(): SampleStore {
  defaultSamples ??= createSampleStore();
  return defaultSamples;
}
