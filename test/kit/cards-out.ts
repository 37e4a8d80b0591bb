/**
 * After each integration test file: every test card it left in a reader (test/card-engine/test-cards.ts
 * records them) is taken out, so a file that failed midway does not fail the next files with
 * "reader is not empty". Registered at the top level, this runs after the file's own hooks.
 */
afterAll(async () => {
  const cards = (globalThis as { __scmCardsInReaders?: Map<object, () => Promise<void>> }).__scmCardsInReaders;
  if (!cards?.size) return;
  for (const out of [...cards.values()]) await out().catch(() => undefined);
}, 120_000);
