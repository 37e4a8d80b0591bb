// A fuzz worker thread (fuzz/run.ts starts them): TypeScript from source, then the worker's own code.
require('./fuzz-register');
require('../fuzz/harness/worker-main.ts');
