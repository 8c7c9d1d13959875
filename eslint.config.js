// ESLint over the project's JavaScript: the phone app and the shared modules (browser ES modules),
// the phone's service worker (a classic script; the server fills in two string literals) and this
// file. `make lint` runs it and fails on any warning. bench/node/ is a package of its own.
import js from '@eslint/js';
import globals from 'globals';

export default [
  { ignores: ['bench/node/', 'test-output/', 'instance/', '.venv/'] },
  js.configs.recommended,
  {
    files: ['web/static/**/*.js'],
    languageOptions: { sourceType: 'module', globals: globals.browser },
  },
  {
    files: ['web/templates/phone/sw.js'],
    languageOptions: { sourceType: 'script', globals: globals.serviceworker },
  },
  {
    files: ['eslint.config.js'],
    languageOptions: { sourceType: 'module', globals: globals.node },
  },
];
