import fc from 'fast-check';
import { readCorpus } from '../../fuzz/harness/corpus';
import { check, type Finding } from '../../fuzz/harness/engine';
import { apiRoutes } from '../../fuzz/targets/api.target';

/**
 * The API fuzz target on the real stack (docs/fuzzing.md): the corpus of requests that once got a
 * 5xx, then a short run over every route (FUZZ_API_RUNS requests, default 300). `npm run fuzz
 * api-routes` is the long run.
 */
describe('fuzzing the issuer API routes', () => {
  let state: Awaited<ReturnType<typeof apiRoutes.setup>>;
  const show = (f: Finding): string => `${f.kind}: ${f.message}\n${Buffer.from(f.input).toString('utf8').slice(0, 400)}`;

  beforeAll(async () => {
    state = await apiRoutes.setup();
  });

  afterAll(async () => {
    // A set-up that failed left no state: its error is the finding, not a teardown's TypeError.
    if (state) await apiRoutes.teardown?.(state);
  });

  it.each(readCorpus('api-routes').map((c) => [c.name, c] as const))('replays corpus case %s', async (_name, c) => {
    const f = await check(apiRoutes, state, c.input, { timing: false });
    expect(f && show(f)).toBeUndefined();
  });

  it('answers every generated request without a 5xx or a hang', async () => {
    await fc.assert(
      fc.asyncProperty(apiRoutes.inputs(state), async (input) => {
        const f = await check(apiRoutes, state, input, { timing: false });
        if (f) throw new Error(show(f));
      }),
      { numRuns: Number(process.env.FUZZ_API_RUNS ?? 300), seed: Number(process.env.FUZZ_SEED ?? 42), endOnFailure: true },
    );
  }, 600_000);
});
