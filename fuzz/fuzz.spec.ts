import fc from 'fast-check';
import { readCorpus } from './harness/corpus';
import { check, type Finding } from './harness/engine';
import type { FuzzTarget } from './harness/target';
import { TARGETS } from './targets';

/**
 * `npm test` part of the fuzzing (docs/fuzzing.md): every corpus case replayed through its target
 * (each once made a parser crash or hang; now a typed error or a result), then a short fast-check
 * run per target. The long runs are `npm run fuzz`. The API's routes: test/fuzz/api-routes.test.ts.
 */
const describeFinding = (f: Finding): string => `${f.kind}: ${f.message}`;

for (const target of TARGETS.filter((t) => !t.inProcess) as unknown as Array<FuzzTarget<unknown>>) {
  describe(`fuzz target ${target.name}`, () => {
    let state: unknown;

    beforeAll(async () => {
      state = await target.setup();
    }, 120_000);

    afterAll(async () => {
      await target.teardown?.(state);
    });

    const corpus = readCorpus(target.name);
    if (corpus.length) {
      it.each(corpus.map((c) => [c.name, c.note, c] as const))('replays corpus case %s (%s)', async (_name, _note, c) => {
        const f = await check(target, state, c.input, { timing: false });
        expect(f && describeFinding(f)).toBeUndefined();
      });
    }

    it(`holds for ${target.quickRuns ?? 300} generated inputs`, async () => {
      await fc.assert(
        fc.asyncProperty(target.inputs(state), async (input) => {
          const f = await check(target, state, input, { timing: false });
          if (f) throw new Error(describeFinding(f));
        }),
        { numRuns: target.quickRuns ?? 300, seed: Number(process.env.FUZZ_SEED ?? 42) },
      );
    }, 120_000);
  });
}
