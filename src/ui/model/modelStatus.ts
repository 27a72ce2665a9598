/**
 * What the app says about its current model (Model panel, Train panel). Pure: no React.
 *
 * Before any training the app verifies with the bundled pretrained face model; after training it
 * uses the model fine-tuned on the user (or trained from scratch, or imported from files).
 */
import { FACE_MODEL_LABELS, type FaceModel, type TrainingStart } from '../../config';
import type { ModelSource, ModelStatus } from './ModelContext';

export type ModelKind = 'loading' | 'pretrained' | 'fine-tuned' | 'scratch' | 'imported' | 'none';

export interface ModelDescription {
  readonly kind: ModelKind;
  /** One short line: what the current model is. */
  readonly title: string;
  /** One or two sentences more. */
  readonly detail: string;
}

export interface ModelStatusInput {
  readonly status: ModelStatus;
  readonly source: ModelSource | null;
  /** NetworkMeta.training of the current model (a training summary, or anything an import brought). */
  readonly training?: unknown;
  /** ISO time the model was saved. */
  readonly createdAt?: string;
  readonly error: string | null;
  /** The current network's face model (absent while there is none). */
  readonly faceModel?: FaceModel;
}

/** The start of a stored model's training, from its summary; null when it has none (an import). */
export function trainedFrom(training: unknown): TrainingStart | null {
  const t = training as { startedFrom?: unknown; trainingConfig?: { start?: unknown }; history?: unknown } | null | undefined;
  if (!t || typeof t !== 'object' || !Array.isArray(t.history)) return null;
  if (t.startedFrom === 'pretrained' || t.startedFrom === 'scratch') return t.startedFrom;
  // Models trained before the summary said so: the app fine-tuned the pretrained model.
  return 'pretrained';
}

export const PRETRAINED_TITLE = 'Pretrained face model — works now, gets better after Train';

export function describeModel(
  m: ModelStatusInput,
  formatDate: (iso: string) => string = (iso) => new Date(iso).toLocaleString(),
): ModelDescription {
  const saved = m.createdAt ? ` Saved ${formatDate(m.createdAt)}.` : '';
  const face = m.faceModel ? ` Face model: ${FACE_MODEL_LABELS[m.faceModel]}.` : '';
  if (m.status === 'loading') return { kind: 'loading', title: 'Loading the model…', detail: '' };
  if (m.status !== 'ready' || m.source === null) {
    return { kind: 'none', title: 'No model', detail: m.error ?? 'Train a model, or import model files exported by this app.' };
  }
  if (m.source === 'pretrained') {
    return {
      kind: 'pretrained',
      title: PRETRAINED_TITLE,
      detail:
        (m.faceModel === 'koch'
          ? "It learned what makes faces alike from thousands of other people's photos (LFW), so it verifies you from your verification images right away; Train fine-tunes it on your captures."
          : "A face-recognition network trained on about 3 million faces describes each face, and a small head pretrained on other people's photos (LFW) compares them, so it verifies you from your verification images right away; Train fits the head to your captures in seconds.") +
        face +
        (m.error ? ` (${m.error})` : ''),
    };
  }
  const from = trainedFrom(m.training);
  if (from === 'pretrained') {
    return {
      kind: 'fine-tuned',
      title: 'Fine-tuned on you',
      detail: `The pretrained face model, trained on your captures and stored in this browser.${face}${saved} Delete it to go back to the pretrained model.`,
    };
  }
  if (from === 'scratch') {
    return {
      kind: 'scratch',
      title: 'Trained on you from scratch',
      detail: `Trained from random weights on your captures and stored in this browser.${face}${saved}`,
    };
  }
  return {
    kind: 'imported',
    title: 'Imported model',
    detail: `A model from files, stored in this browser.${face}${saved} Delete it to go back to the pretrained model.`,
  };
}
