import { useState, type ReactNode } from 'react';
import { SAMPLE_KINDS, type SampleKind } from '../../data';
import { KIND_LABELS } from '../camera/CaptureControls';
import { Gallery } from './Gallery';
import { useSamples } from './SamplesContext';

/**
 * The galleries: one tab per kind with its count, the selected kind's gallery below. `actions`
 * (the Import button) sits in the section header.
 */
export function SamplesPanel({ actions }: { actions?: ReactNode }) {
  const { counts } = useSamples();
  const [kind, setKind] = useState<SampleKind>('anchor');
  return (
    <section className="card samples" aria-labelledby="samples-title">
      <header className="card-header">
        <h2 id="samples-title">
          <span className="step-number" aria-hidden="true">
            1
          </span>
          Capture
        </h2>
        <div className="card-actions">{actions}</div>
      </header>
      <div className="kind-tabs" role="tablist" aria-label="Sample kind">
        {SAMPLE_KINDS.map((k) => (
          <button
            key={k}
            type="button"
            role="tab"
            id={`kind-tab-${k}`}
            aria-selected={k === kind}
            aria-controls="kind-panel"
            className={`kind-tab kind-tab-${k}`}
            data-testid={`gallery-tab-${k}`}
            onClick={() => setKind(k)}
          >
            {KIND_LABELS[k]} <span className="kind-tab-count">{counts[k]}</span>
          </button>
        ))}
      </div>
      <div id="kind-panel" role="tabpanel" aria-labelledby={`kind-tab-${kind}`}>
        <Gallery key={kind} kind={kind} />
      </div>
    </section>
  );
}
