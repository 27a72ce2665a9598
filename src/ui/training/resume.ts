/**
 * What to offer when an unfinished checkpoint is found (after Stop, a reload or a crash). Pure.
 *
 * A checkpoint's weights only fit its own model config, and its optimizer state, pair split and
 * history only make sense with its own training settings, so resuming uses the checkpoint's
 * settings (the training worker does so too). When the form's settings differ, the offer says
 * which, and that Start over trains with the new ones.
 */
import { FACE_MODEL_LABELS, type ModelConfig, type TrainingConfig } from '../../config';
import { fieldApplies, POOL_LABELS, SETTINGS_FIELDS, settingsFromConfigs, type SettingsField, type TrainingSettings } from './settings';

/** The parts of a checkpoint summary (src/training) the offer needs. */
export interface ResumableCheckpoint {
  readonly training: TrainingConfig;
  readonly model: ModelConfig;
  /** Epochs completed when the checkpoint was written. */
  readonly epochsDone: number;
  /** Batches done of the next epoch (a Stop mid-epoch). */
  readonly batchesDone: number;
}

export interface SettingChange {
  readonly field: SettingsField;
  readonly checkpoint: string;
  readonly current: string;
}

export type ResumeOffer =
  | { readonly kind: 'none' }
  | {
      readonly kind: 'resume';
      /** 1-based epoch the resumed run continues (it may be partly done). */
      readonly fromEpoch: number;
      /** Epochs the resumed run trains to (the checkpoint's). */
      readonly totalEpochs: number;
      /** The configs to resume with: the checkpoint's. */
      readonly training: TrainingConfig;
      readonly model: ModelConfig;
      /** Settings that differ from the form; the resumed run ignores them. */
      readonly changes: readonly SettingChange[];
      readonly message: string;
    };

function show(field: SettingsField, s: TrainingSettings): string {
  if (field === 'faceModel') return FACE_MODEL_LABELS[s.faceModel];
  if (field === 'pool') return POOL_LABELS[s.pool];
  if (field === 'start') return s.start;
  if (field === 'augment' || field === 'calibrate') return s[field] ? 'on' : 'off';
  if (field === 'freeze') return s.freeze;
  if (field === 'trainFraction') return `${Math.round(s.trainFraction * 1000) / 10}%`;
  return String(s[field]);
}

/**
 * Where a checkpoint was written: "after epoch 3 of 50", or "in epoch 4 of 50 (after 2 batches)"
 * for a Stop mid-epoch; without `totalEpochs`, the same without "of N".
 */
export function checkpointPlace(c: Pick<ResumableCheckpoint, 'epochsDone' | 'batchesDone'>, totalEpochs?: number): string {
  const of = totalEpochs === undefined ? '' : ` of ${totalEpochs}`;
  return c.batchesDone > 0
    ? `in epoch ${c.epochsDone + 1}${of} (after ${c.batchesDone} batch${c.batchesDone === 1 ? '' : 'es'})`
    : `after epoch ${c.epochsDone}${of}`;
}

export function resumeOffer(checkpoint: ResumableCheckpoint | null, current: TrainingSettings): ResumeOffer {
  if (!checkpoint) return { kind: 'none' };
  const { epochsDone } = checkpoint;
  const totalEpochs = checkpoint.training.epochs;
  if (epochsDone >= totalEpochs) return { kind: 'none' };
  const saved = settingsFromConfigs(checkpoint.training, checkpoint.model);
  // A field that does not apply to one of the two face models (e.g. the pooling, when either is
  // the ResNet) is no change of its own: the face model's change says it.
  const changes = (Object.keys(SETTINGS_FIELDS) as SettingsField[])
    .filter((f) => fieldApplies(f, saved.faceModel) && fieldApplies(f, current.faceModel) && saved[f] !== current[f])
    .map((f) => ({ field: f, checkpoint: show(f, saved), current: show(f, current) }));
  const fromEpoch = epochsDone + 1;
  let message = `Training stopped ${checkpointPlace(checkpoint, totalEpochs)}. Resume continues with epoch ${fromEpoch}.`;
  if (changes.length > 0) {
    const list = changes.map((c) => `${SETTINGS_FIELDS[c.field].label.toLowerCase()} ${c.checkpoint} → ${c.current}`).join(', ');
    message += ` Your settings changed since (${list}): resuming uses the checkpoint's settings; Start over trains with the new ones.`;
  }
  return {
    kind: 'resume',
    fromEpoch,
    totalEpochs,
    training: checkpoint.training,
    model: checkpoint.model,
    changes,
    message,
  };
}
