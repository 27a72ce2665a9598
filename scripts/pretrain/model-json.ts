/**
 * The one edit calibrate.mjs makes to a uint8 tf.js model.json: the classifier bias is one
 * uint8-quantized value (value = min + byte × scale), so shifting it by −t moves its `min` by −t.
 * The total shift since training is recorded in `userDefinedMetadata.calibration.biasShift`
 * (src/model/pretrained.ts undoes it before fine-tuning). Everything else in the text stays
 * byte for byte the same, including any other metadata the training run wrote there (the GPU
 * export has none; the wasm pipeline's export records its run under `pretraining`).
 */

export interface CalibratedModelJson {
  readonly text: string;
  readonly quantization: { readonly min: number; readonly scale: number };
  readonly byte: number;
  readonly newMin: number;
  readonly previousShift: number;
  readonly biasShift: number;
}

interface WeightEntry {
  name: string;
  shape: number[];
  quantization?: { dtype: string; min: number; scale: number };
}

interface ModelJson {
  weightsManifest: { weights: WeightEntry[] }[];
  userDefinedMetadata?: Record<string, unknown>;
  [key: string]: unknown;
}

const CALIBRATION_NOTE = 'classifier/bias = as trained + biasShift (scripts/pretrain/calibrate.mjs)';
const METADATA_KEY = '"userDefinedMetadata"';

function biasEntry(m: ModelJson): WeightEntry {
  const entry = m.weightsManifest.flatMap((g) => g.weights).find((w) => w.name === 'classifier/bias');
  if (!entry?.quantization || entry.quantization.dtype !== 'uint8' || entry.shape.join() !== '1') {
    throw new Error(`classifier/bias is not one uint8-quantized value: ${JSON.stringify(entry)}`);
  }
  return entry;
}

/** model.json's text with the classifier bias moved by −t and the total shift recorded. */
export function calibrateModelJson(text: string, t: number, biasBefore: number): CalibratedModelJson {
  if (!Number.isFinite(t)) throw new Error(`calibration threshold ${t} is not a number`);
  const parsed = JSON.parse(text) as ModelJson;
  const q = biasEntry(parsed).quantization!;
  const byte = Math.round((biasBefore - q.min) / q.scale);
  const newMin = q.min - t;
  const pattern = /("name": ?"classifier\/bias"[^}]*?"min": ?)(-?[0-9.eE+-]+)/;
  if (!pattern.test(text)) throw new Error("cannot find classifier/bias's quantization min");
  const previousShift = Number((parsed.userDefinedMetadata?.calibration as { biasShift?: number } | undefined)?.biasShift ?? 0);
  const biasShift = previousShift - t;
  const metadata = { ...(parsed.userDefinedMetadata ?? {}), calibration: { biasShift, note: CALIBRATION_NOTE } };
  const metadataJson = `${METADATA_KEY}: ${JSON.stringify(metadata)}`;
  let newText = text.replace(pattern, (_, head: string) => `${head}${newMin}`);
  if (parsed.userDefinedMetadata === undefined) {
    newText = newText.replace(/\}\s*$/, `, ${metadataJson}}`);
  } else {
    // Both writers put the metadata last: replace it to the closing brace.
    const at = newText.lastIndexOf(METADATA_KEY);
    const tail = at < 0 ? null : newText.slice(at);
    let last: unknown = null;
    try {
      last = tail === null ? null : JSON.parse(`{${tail}`);
    } catch {
      last = null;
    }
    if (last === null || Object.keys(last as object).length !== 1)
      throw new Error('userDefinedMetadata is not the last field of model.json');
    newText = `${newText.slice(0, at)}${metadataJson}}`;
  }
  const check = JSON.parse(newText) as ModelJson;
  const rest = (m: ModelJson) => JSON.stringify({ ...m, weightsManifest: null, userDefinedMetadata: null });
  const manifestOf = (m: ModelJson, min: number) =>
    JSON.stringify(
      m.weightsManifest.map((g) => ({
        ...g,
        weights: g.weights.map((w) => (w.name === 'classifier/bias' ? { ...w, quantization: { ...w.quantization!, min } } : w)),
      })),
    );
  if (
    biasEntry(check).quantization!.min !== newMin ||
    manifestOf(check, 0) !== manifestOf(parsed, 0) ||
    JSON.stringify(check.userDefinedMetadata) !== JSON.stringify(metadata) ||
    rest(check) !== rest(parsed)
  ) {
    throw new Error('model.json edit went wrong');
  }
  return { text: newText, quantization: { min: q.min, scale: q.scale }, byte, newMin, previousShift, biasShift };
}
