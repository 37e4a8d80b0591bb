#!/usr/bin/env node
/* `npm run fuzz [target...]`: the fuzz targets of fuzz/ from source, FUZZ_SECONDS each (docs/fuzzing.md). */
require('../fuzz/harness/register');
require('../fuzz/run.ts');
