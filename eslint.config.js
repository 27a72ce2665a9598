import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Layering (see README): only ui/ and app/ may import React; data/ and camera/ never import tf.js. */
const noReact = {
  patterns: [{ group: ['react', 'react-dom', 'react-dom/*', 'react/*'], message: 'Only src/ui and src/app may import React.' }],
};
const noTf = {
  patterns: [
    { group: ['react', 'react-dom', 'react-dom/*', 'react/*'], message: 'Only src/ui and src/app may import React.' },
    { group: ['@tensorflow/*'], message: 'data/, camera/, config/ and common/ stay free of tf.js.' },
  ],
};

/**
 * One front door per module: a file outside src/<module>/ may import only that module's index
 * (`src/<module>`), never its inner files. Tests may also reach test-support files.
 */
const SRC = path.join(path.dirname(fileURLToPath(import.meta.url)), 'src');
const isTestFile = (file) => /\.test\.tsx?$/.test(file) || file.includes(`${path.sep}e2e${path.sep}`);
const frontDoor = {
  meta: {
    type: 'problem',
    schema: [],
    messages: { deep: "Import '{{module}}' through its front door ('{{door}}'), not its inner file '{{inner}}'." },
  },
  create(context) {
    const file = context.filename;
    const check = (node) => {
      const source = node.source?.value;
      if (typeof source !== 'string' || !source.startsWith('.')) return;
      const target = path.resolve(path.dirname(file), source);
      const inSrc = path.relative(SRC, target);
      if (inSrc.startsWith('..') || path.isAbsolute(inSrc)) return;
      const [module, ...rest] = inSrc.split(path.sep);
      if (!module || rest.length === 0 || (rest.length === 1 && rest[0].replace(/\.[jt]sx?$/, '') === 'index')) return;
      const own = path.relative(path.join(SRC, module), file);
      if (!own.startsWith('..') && !path.isAbsolute(own)) return; // inside the module itself
      if (isTestFile(file) && rest.some((p) => p.startsWith('test-'))) return;
      const door = path.relative(path.dirname(file), path.join(SRC, module)) || '.';
      context.report({ node: node.source, messageId: 'deep', data: { module, door, inner: source } });
    };
    return { ImportDeclaration: check, ExportNamedDeclaration: check, ExportAllDeclaration: check, ImportExpression: check };
  },
};

export default tseslint.config(
  { ignores: ['dist', 'node_modules', 'test-results', 'playwright-report', 'bench/results', 'e2e/.generated', 'public'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/ui/**/*.{ts,tsx}', 'src/app/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: { ...reactHooks.configs.recommended.rules },
  },
  {
    files: ['**/*.{ts,tsx,mjs,js}'],
    plugins: { local: { rules: { 'front-door': frontDoor } } },
    rules: { 'local/front-door': 'error' },
  },
  {
    files: ['src/model/**', 'src/facerec/**', 'src/training/**', 'src/verify/**', 'src/face/**', 'src/augment/**'],
    rules: { 'no-restricted-imports': ['error', noReact] },
  },
  { files: ['src/data/**', 'src/camera/**', 'src/config/**', 'src/common/**'], rules: { 'no-restricted-imports': ['error', noTf] } },
  {
    files: ['src/liveness/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [noReact.patterns[0], { group: ['@tensorflow/*'], message: 'liveness/ is plain maths on keypoints: no tf.js.' }] },
      ],
    },
  },
);
