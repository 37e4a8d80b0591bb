#!/usr/bin/env node
/*
 * `npm run fuzz [target...]`: the fuzz targets of fuzz/, from source, FUZZ_SECONDS each (default 30).
 * `npm run fuzz -- --replay TARGET FILE...`: one input through a target (docs/fuzzing.md).
 */
require('./fuzz-register');
if (process.argv[2] === '--replay') require('../fuzz/replay.ts');
else require('../fuzz/run.ts');
