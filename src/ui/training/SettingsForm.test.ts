import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { DEFAULT_MODEL_CONFIG, DEFAULT_TRAINING_CONFIG } from '../../config';
import { SettingsForm } from './SettingsForm';
import {
  applySettingsChange,
  DEFAULT_TRAINING_SETTINGS,
  FACEREC_SCRATCH_NOTE,
  settingsFromConfigs,
  settingsToForm,
  type SettingsForm as Form,
} from './settings';

/** The form as the page gets it (the "Advanced" disclosure open), and the names of its inputs in order. */
function render(form: Form): { html: string; names: string[] } {
  const html = renderToStaticMarkup(
    createElement(SettingsForm, {
      form,
      errors: {},
      disabled: false,
      onChange: () => undefined,
      samplesNote: '',
      advancedOpen: true,
      onAdvancedToggle: () => undefined,
    }),
  );
  const names = [...html.matchAll(/<(?:input|select)[^>]* name="(\w+)"/g)].map((m) => m[1]!);
  return { html, names: names.filter((n, i) => names.indexOf(n) === i) };
}

const defaultsForm = () => settingsToForm(DEFAULT_TRAINING_SETTINGS);
const kochForm = () => settingsToForm(settingsFromConfigs(DEFAULT_TRAINING_CONFIG, DEFAULT_MODEL_CONFIG));

describe('SettingsForm', () => {
  it('asks for the face model first, the ResNet chosen, and hides the pooling, frozen layers and augmentation for it', () => {
    const { html, names } = render(defaultsForm());
    expect(names).toEqual(['faceModel', 'start', 'epochs', 'batchSize', 'learningRate', 'samplesPerClass', 'trainFraction', 'calibrate']);
    expect(html).toContain('<option value="facerec" selected="">Face recognition ResNet (default)</option>');
    expect(html).toContain('<option value="koch">Reference network (Koch et al.)</option>');
    expect(html).toContain('30 for the head');
    expect(html).not.toContain('to fine-tune)');
    expect(html).not.toContain('data-testid="train-start-note"');
  });

  it('shows every field for the reference network', () => {
    const { html, names } = render(kochForm());
    expect(names).toEqual([
      'faceModel',
      'start',
      'epochs',
      'batchSize',
      'learningRate',
      'samplesPerClass',
      'trainFraction',
      'pool',
      'freeze',
      'augment',
      'calibrate',
    ]);
    expect(html).toContain('<option value="koch" selected="">');
    expect(html).toContain('5 to fine-tune');
  });

  it("notes that the ResNet's head from scratch starts from random weights", () => {
    const { html } = render(applySettingsChange(defaultsForm(), 'start', 'scratch'));
    expect(html).toContain(FACEREC_SCRATCH_NOTE.slice(0, 40));
    expect(html).toContain('From scratch (a random head)');
  });
});
