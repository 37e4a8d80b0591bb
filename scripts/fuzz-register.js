/*
 * Loads the TypeScript of fuzz/, libs/ and apps/ straight from source (no build step): a require
 * hook that compiles each .ts file with swc as it is loaded and maps the @scm/* paths of
 * tsconfig.json. Used by `npm run fuzz` in the runner and in every worker thread.
 */
const Module = require('node:module');
const { readFileSync, existsSync } = require('node:fs');
const { join } = require('node:path');
const { transformSync } = require('@swc/core');

const root = join(__dirname, '..');
const options = {
  swcrc: false,
  sourceMaps: 'inline',
  module: { type: 'commonjs' },
  jsc: {
    target: 'es2022',
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
    keepClassNames: true,
  },
};

Module._extensions['.ts'] = function compile(module, filename) {
  const { code } = transformSync(readFileSync(filename, 'utf8'), { ...options, filename });
  module._compile(code, filename);
};

const resolve = Module._resolveFilename;
Module._resolveFilename = function scmPaths(request, parent, ...rest) {
  const m = /^@scm\/([a-z0-9-]+)$/.exec(request);
  if (m) {
    const target = m[1] === 'test-kit' ? join(root, 'test', 'kit') : join(root, 'libs', m[1], 'src');
    if (existsSync(target)) request = target;
  }
  return resolve.call(this, request, parent, ...rest);
};
