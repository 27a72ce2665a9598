import { createBrowserCodec, ImageError, type CodecOptions } from './image';
import { createBrowserSquareCodec, locatingCodec, type ImportCodec, type LocateSquare } from './locate-codec';
import { getSampleStore, type SampleKind, type SampleStore } from './samples';
import { StorageError } from './storage';
import { isTarName, readTar, TarError, type TarErrorCode } from './tar';
import { errorMessage } from '../common';

/**
 * Import of image sets into any gallery: picked files, dropped files and folders, and tar / .tgz
 * archives (read as a stream, e.g. the official lfw.tgz). Every image goes through a crop rule, is
 * re-encoded as JPEG and stored with source 'import':
 * - face crop mode (`locate` given): the square the injected function finds around the largest
 *   face, the rule captures use (src/face locateFace); images with no face are skipped ('no-face');
 * - fixed mode: importSquare (the whole of a 250×250 LFW photo, the centred square of others).
 * Files that are not decodable images are skipped and counted, never stored.
 */

/** A file with its path inside a dropped folder (`webkitRelativePath` is empty for those). */
export interface FileWithPath {
  readonly file: File;
  readonly path: string;
}

export type ImportItem = File | FileWithPath;

export type SkipReason = 'not-an-image' | 'no-face' | 'too-large' | 'unreadable' | TarErrorCode;

export interface SkippedFile {
  /** File path; archive members as `<archive>/<member path>`; a damaged archive by its own name. */
  readonly name: string;
  readonly reason: SkipReason;
  /** A sentence for the user. */
  readonly detail: string;
}

export interface ImportSummary {
  readonly imported: number;
  readonly skipped: readonly SkippedFile[];
  /** True when the signal stopped the import; what was imported before stays. */
  readonly cancelled: boolean;
  /** Set when storage filled up: the import stopped there; what was imported before stays. */
  readonly error?: StorageError;
}

export interface ImportProgress {
  /** Images stored so far. */
  readonly imported: number;
  /** Files skipped so far. */
  readonly skipped: number;
  /** Bytes of the input read so far (compressed bytes for archives), of `bytesTotal`. */
  readonly bytesRead: number;
  readonly bytesTotal: number;
  /** The file (or archive member) just handled. */
  readonly current: string;
}

export interface ImportOptions {
  /** Gallery the images go to. */
  readonly kind: SampleKind;
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: ImportProgress) => void;
  /** Person name stored with every image; default: the name of the image's folder, if any. */
  readonly label?: string;
  /** Files (or archive members) larger than this are skipped unread; default 50 MiB. */
  readonly maxFileBytes?: number;
  /**
   * Face crop mode: finds the crop square in each decoded image, null when it has no face (the
   * image is skipped as 'no-face'). Without it, the fixed importSquare rule applies.
   */
  readonly locate?: LocateSquare<ImageBitmap>;
  /** Stored size and JPEG quality of the browser codecs (default: the capture square, 0.9). */
  readonly codecOptions?: CodecOptions;
  /**
   * Overrides the codec (tests, Node): an ImageCodec (fixed rule) or a `locatingCodec` (face rule,
   * giving null for an image with no face). Default: the browser codec for the mode.
   */
  readonly codec?: ImportCodec;
  /** Default: the app's sample store. */
  readonly samples?: SampleStore;
}

export const DEFAULT_MAX_FILE_BYTES = 50 * 1024 * 1024;

/** The page stays responsive: hand the event loop a turn at least this often. */
const YIELD_EVERY_MS = 16;

const pathOf = (item: ImportItem): string => ('file' in item ? item.path : item.webkitRelativePath || item.name);
const fileOf = (item: ImportItem): File => ('file' in item ? item.file : item);

/** The folder an image sits in, e.g. `Aaron_Peirsol` for `lfw/Aaron_Peirsol/Aaron_Peirsol_0001.jpg`. */
function folderOf(path: string): string | undefined {
  const parts = path.split('/').filter((p) => p !== '');
  return parts.length >= 2 ? parts[parts.length - 2] : undefined;
}

export async function importImages(input: readonly ImportItem[], options: ImportOptions): Promise<ImportSummary> {
  const codec =
    options.codec ??
    (options.locate
      ? locatingCodec(createBrowserSquareCodec(options.codecOptions), options.locate)
      : createBrowserCodec(options.codecOptions));
  const samples = options.samples ?? getSampleStore();
  const maxBytes = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  const { signal } = options;
  const bytesTotal = input.reduce((sum, item) => sum + fileOf(item).size, 0);

  let imported = 0;
  let bytesDone = 0; // bytes of finished input items
  let bytesRead = 0;
  const skipped: SkippedFile[] = [];
  let lastYield = performance.now();

  const progress = (current: string) => options.onProgress?.({ imported, skipped: skipped.length, bytesRead, bytesTotal, current });
  const skip = (name: string, reason: SkipReason, detail: string) => {
    skipped.push({ name, reason, detail });
    progress(name);
  };
  const yieldToPage = async () => {
    if (performance.now() - lastYield < YIELD_EVERY_MS) return;
    await new Promise((resolve) => setTimeout(resolve, 0));
    lastYield = performance.now();
  };

  /** One image: decode, crop, encode, store. Storage errors propagate; image errors are skips. */
  const importOne = async (bytes: Uint8Array<ArrayBuffer>, name: string, folderPath: string) => {
    let image;
    try {
      image = await codec.decodeCropEncode(bytes, name);
    } catch (e) {
      if (e instanceof ImageError && e.code === 'not-an-image') return skip(name, 'not-an-image', e.message);
      throw e;
    }
    if (image === null) return skip(name, 'no-face', `"${name}": no face found, so it was not imported (face crop mode).`);
    const label = options.label ?? folderOf(folderPath);
    await samples.addSample(image.blob, {
      kind: options.kind,
      source: 'import',
      width: image.width,
      height: image.height,
      name,
      ...(label !== undefined ? { label } : {}),
    });
    imported++;
    progress(name);
  };

  const tooLarge = (name: string, size: number) =>
    skip(
      name,
      'too-large',
      `"${name}" is ${(size / 1e6).toFixed(1)} MB, more than the ${(maxBytes / 1e6).toFixed(0)} MB allowed for one image.`,
    );

  const importArchive = async (file: File, name: string): Promise<boolean> => {
    try {
      const members = readTar(file.stream(), { name, onBytes: (n) => (bytesRead = bytesDone + n) });
      for await (const member of members) {
        if (signal?.aborted) return false;
        const memberName = `${name}/${member.path}`;
        if (member.size > maxBytes) tooLarge(memberName, member.size);
        else await importOne(member.data, memberName, member.path);
        await yieldToPage();
      }
    } catch (e) {
      if (!(e instanceof TarError)) throw e;
      skip(name, e.code, e.message);
    }
    return true;
  };

  try {
    for (const item of input) {
      if (signal?.aborted) break;
      const file = fileOf(item);
      const name = pathOf(item);
      if (isTarName(name)) {
        if (!(await importArchive(file, name))) break;
      } else if (file.size > maxBytes) {
        tooLarge(name, file.size);
      } else {
        let bytes: Uint8Array<ArrayBuffer>;
        try {
          bytes = new Uint8Array(await file.arrayBuffer());
        } catch (e) {
          skip(name, 'unreadable', `"${name}" could not be read (${errorMessage(e)}).`);
          continue;
        }
        await importOne(bytes, name, name);
      }
      bytesDone += file.size;
      bytesRead = bytesDone;
      progress(name);
      await yieldToPage();
    }
  } catch (e) {
    if (e instanceof StorageError && e.code === 'storage-full') return { imported, skipped, cancelled: false, error: e };
    throw e;
  }
  return { imported, skipped, cancelled: signal?.aborted ?? false };
}

// -----------------------------------------------------------------------------------------------
// Dropped folders

function readDirectory(dir: FileSystemDirectoryEntry): Promise<FileSystemEntry[]> {
  const reader = dir.createReader();
  const all: FileSystemEntry[] = [];
  return new Promise((resolve, reject) => {
    // readEntries returns the listing in batches (100 in Chrome) until an empty one.
    const next = () =>
      reader.readEntries((batch) => {
        if (batch.length === 0) resolve(all);
        else {
          all.push(...batch);
          next();
        }
      }, reject);
    next();
  });
}

const isDirectory = (e: FileSystemEntry): e is FileSystemDirectoryEntry => e.isDirectory;
const isFileEntry = (e: FileSystemEntry): e is FileSystemFileEntry => e.isFile;

/** Every file under the given entries (folders walked recursively), sorted by path. */
export async function filesFromEntries(entries: readonly FileSystemEntry[]): Promise<FileWithPath[]> {
  const out: FileWithPath[] = [];
  const walk = async (entry: FileSystemEntry): Promise<void> => {
    if (isDirectory(entry)) {
      for (const child of await readDirectory(entry)) await walk(child);
    } else if (isFileEntry(entry)) {
      const file = await new Promise<File>((resolve, reject) => entry.file(resolve, reject));
      out.push({ file, path: entry.fullPath.replace(/^\/+/, '') || file.name });
    }
  };
  for (const entry of entries) await walk(entry);
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/**
 * The files of a drop, folders included. Call it synchronously inside the `drop` handler: the
 * browser empties `dataTransfer.items` once the handler returns (the entries are taken at once).
 */
export function filesFromDataTransfer(dataTransfer: DataTransfer): Promise<FileWithPath[]> {
  const entries: FileSystemEntry[] = [];
  const loose: FileWithPath[] = [];
  for (const item of Array.from(dataTransfer.items ?? [])) {
    if (item.kind !== 'file') continue;
    const entry = typeof item.webkitGetAsEntry === 'function' ? item.webkitGetAsEntry() : null;
    if (entry) entries.push(entry);
    else {
      const file = item.getAsFile();
      if (file) loose.push({ file, path: file.name });
    }
  }
  if (entries.length === 0 && loose.length === 0) {
    for (const file of Array.from(dataTransfer.files ?? [])) loose.push({ file, path: file.name });
  }
  return filesFromEntries(entries).then((files) => [...loose, ...files]);
}
