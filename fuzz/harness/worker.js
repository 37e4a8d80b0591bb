// Worker thread entry: TypeScript from source, then the worker's own code.
require('./register');
require('./worker-main.ts');
