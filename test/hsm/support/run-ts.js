/* global require, process, __dirname */
/* eslint-disable @typescript-eslint/no-require-imports -- a plain CommonJS launcher, run by node directly */
/*
 * Runs a TypeScript file in a fresh node process (swc on the fly, @scm/* mapped to libs/*).
 * HSM tests need fresh processes: PKCS#11 state (C_Initialize, the SoftHSM2 configuration
 * read at initialisation, the logged-in user) belongs to the process.
 * Usage: node test/hsm/support/run-ts.js FILE.ts [args...]
 */
const Module = require('node:module');
const { join } = require('node:path');
const fs = require('node:fs');
const { transformSync } = require('@swc/core');

const root = join(__dirname, '..', '..', '..');
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  const m = /^@scm\/([a-z0-9-]+)$/.exec(request);
  if (m) request = m[1] === 'test-kit' ? join(root, 'test', 'kit') : join(root, 'libs', m[1], 'src');
  return resolve.call(this, request, ...rest);
};
require.extensions['.ts'] = (mod, filename) => {
  const { code } = transformSync(fs.readFileSync(filename, 'utf8'), {
    filename,
    module: { type: 'commonjs' },
    jsc: {
      target: 'es2022',
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
    },
  });
  mod._compile(code, filename);
};
const file = process.argv[2];
process.argv.splice(1, 1);
require(require('node:path').resolve(file));
