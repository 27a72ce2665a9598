import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

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
  { files: ['src/model/**', 'src/training/**', 'src/verify/**', 'src/face/**', 'src/augment/**'], rules: { 'no-restricted-imports': ['error', noReact] } },
  { files: ['src/data/**', 'src/camera/**', 'src/config/**', 'src/common/**'], rules: { 'no-restricted-imports': ['error', noTf] } },
);
