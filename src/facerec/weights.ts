import * as tf from '@tensorflow/tfjs';
import { FaceRecError } from './errors';

/**
 * face-api's weight files onto our layers. face-api ships a weights manifest (an array of groups
 * `{ paths, weights }`, tf.js's WeightsManifestConfig) and one binary shard of uint8-quantized
 * values; the names are `<block>/<conv1|conv2>/<conv|scale>/<filters|bias|weights|biases>`,
 * `conv32_down/conv/…` and `fc`. Our layer for `<a>/<b>/conv/filters` is `<a>_<b>_conv`, and so on.
 */

export interface WeightsManifest {
  readonly specs: tf.io.WeightsManifestEntry[];
  /** Shard file names, relative to the manifest. */
  readonly paths: string[];
  /** Bytes of all shards together, as the specs (with their quantization) describe them. */
  readonly bytes: number;
}

const DTYPE_BYTES: Partial<Record<string, number>> = { float32: 4, int32: 4, uint8: 1, uint16: 2, float16: 2 };

/** Reads face-api's `…-weights_manifest.json` (parsed JSON); `where` names it in errors. */
export function parseWeightsManifest(json: unknown, where: string): WeightsManifest {
  const groups = Array.isArray(json) ? (json as Array<{ paths?: unknown; weights?: unknown }>) : null;
  if (!groups || groups.length === 0 || groups.some((g) => !Array.isArray(g?.paths) || !Array.isArray(g?.weights))) {
    throw new FaceRecError('not-a-manifest', `${where} is not a tf.js weights manifest (an array of { paths, weights })`);
  }
  const specs = groups.flatMap((g) => g.weights as tf.io.WeightsManifestEntry[]);
  const paths = groups.flatMap((g) => (g.paths as unknown[]).map(String));
  let bytes = 0;
  for (const s of specs) {
    const per = DTYPE_BYTES[s?.quantization?.dtype ?? s?.dtype];
    if (typeof s?.name !== 'string' || !Array.isArray(s.shape) || per === undefined) {
      throw new FaceRecError('not-a-manifest', `${where}: weight ${JSON.stringify(s?.name)} has no name, shape or supported dtype`);
    }
    bytes += tf.util.sizeFromShape(s.shape) * per;
  }
  return { specs, paths, bytes };
}

/** The layer and weight index of a face-api weight name. */
export function layerOfWeight(name: string): { layer: string; index: number } {
  if (name === 'fc') return { layer: 'fc', index: 0 };
  const parts = name.split('/');
  const param = parts.pop();
  const kind = parts.at(-1);
  const index =
    kind === 'conv' ? ['filters', 'bias'].indexOf(param ?? '') : kind === 'scale' ? ['weights', 'biases'].indexOf(param ?? '') : -1;
  if (index < 0) throw new FaceRecError('wrong-architecture', `face-api weight "${name}" has no counterpart in the backbone`);
  return { layer: parts.join('_'), index };
}

/**
 * Sets every weight of `model` (buildBackbone()) from face-api's manifest specs and shard bytes.
 * Checks that each of the model's weights gets exactly one value of its shape. Leaves no tensors.
 */
export function setFaceApiWeights(model: tf.LayersModel, specs: readonly tf.io.WeightsManifestEntry[], data: ArrayBuffer): void {
  let named: tf.NamedTensorMap;
  try {
    named = tf.io.decodeWeights(data, [...specs]);
  } catch (e) {
    throw new FaceRecError('corrupt', `the face-recognition weights could not be decoded (${e instanceof Error ? e.message : String(e)})`);
  }
  try {
    const perLayer = new Map<string, tf.Tensor[]>();
    for (const [name, tensor] of Object.entries(named)) {
      const { layer, index } = layerOfWeight(name);
      const list = perLayer.get(layer) ?? [];
      if (list[index]) throw new FaceRecError('wrong-architecture', `face-api weight "${name}" appears twice`);
      list[index] = tensor;
      perLayer.set(layer, list);
    }
    const weighted = model.layers.filter((l) => l.weights.length > 0);
    if (weighted.length !== perLayer.size) {
      throw new FaceRecError(
        'wrong-architecture',
        `the weights fill ${perLayer.size} layers; the backbone has ${weighted.length} layers with weights`,
      );
    }
    for (const layer of weighted) {
      const values = perLayer.get(layer.name);
      if (
        !values ||
        values.length !== layer.weights.length ||
        layer.weights.some((w, i) => JSON.stringify(w.shape) !== JSON.stringify(values[i]?.shape))
      ) {
        throw new FaceRecError(
          'wrong-architecture',
          `layer ${layer.name} wants weights ${JSON.stringify(layer.weights.map((w) => w.shape))}; the file has ${JSON.stringify(values?.map((v) => v?.shape))}`,
        );
      }
      layer.setWeights(values);
    }
  } finally {
    tf.dispose(Object.values(named));
  }
}
