import { reconcile, type ArchivedCopy, type IssuedCard } from './reconcile';

const card = (id: string, vscId: string | null, versions: Array<[number, string]>, serial: string | null = `S-${id}`): IssuedCard => ({
  cardId: id,
  serial,
  state: 'issued',
  vscId,
  versions: versions.map(([version, sha256]) => ({ version, sha256 })),
});
const copy = (volume: number, vscId: string, version: number, sha256: string, cardSerial: string | null = null): ArchivedCopy => ({
  volume,
  vscId,
  version,
  sha256,
  cardSerial,
});

describe('reconcile', () => {
  it('is satisfied when every version of every issued card is in exactly one volume with its hash', () => {
    const r = reconcile(
      [
        card('a', 'v1', [
          [1, 'h1'],
          [2, 'h2'],
        ]),
        card('b', 'v2', [[1, 'h3']]),
      ],
      [copy(1, 'v1', 1, 'h1'), copy(2, 'v1', 2, 'h2'), copy(2, 'v2', 1, 'h3', 'S-b')],
    );
    expect(r).toMatchObject({ ok: true, cards: 2, versions: 3, copies: 3, volumes: [1, 2], missing: [], duplicated: [], mismatched: [] });
  });

  it('lists a card left out, a version twice, another hash, another serial, and a card without a VSC', () => {
    const r = reconcile(
      [
        card('a', 'v1', [[1, 'h1']]),
        card('b', 'v2', [[1, 'h2']]),
        card('c', 'v3', [[1, 'h3']]),
        card('d', 'v4', [[1, 'h4']]),
        card('e', null, []),
      ],
      [copy(1, 'v2', 1, 'h2'), copy(3, 'v2', 1, 'h2'), copy(1, 'v3', 1, 'other'), copy(2, 'v4', 1, 'h4', 'S-z')],
    );
    expect(r.ok).toBe(false);
    expect(r.missing).toEqual([{ cardId: 'a', serial: 'S-a', vscId: 'v1', version: 1 }]);
    expect(r.duplicated).toEqual([{ cardId: 'b', serial: 'S-b', vscId: 'v2', version: 1, volumes: [1, 3] }]);
    expect(r.mismatched.map((m) => [m.cardId, m.reason])).toEqual([
      ['c', 'the archived copy has another SHA-256 than the escrow'],
      ['d', 'the volume records card serial S-z'],
    ]);
    expect(r.withoutVsc).toEqual([{ cardId: 'e', serial: 'S-e' }]);
  });

  it("counts a leaver's purged versions neither missing nor failed, and says where a write-once copy stays", () => {
    const r = reconcile(
      [
        { cardId: 'a', serial: 'S-a', state: 'terminated', vscId: 'v1', versions: [{ version: 1, sha256: 'h1', purged: true }] },
        { cardId: 'b', serial: 'S-b', state: 'terminated', vscId: 'v2', versions: [{ version: 1, sha256: 'h2', purged: true }] },
      ],
      [copy(4, 'v1', 1, 'h1')],
    );
    expect(r.ok).toBe(true);
    expect(r.missing).toEqual([]);
    expect(r.purged).toEqual([
      {
        cardId: 'a',
        serial: 'S-a',
        vscId: 'v1',
        version: 1,
        volumes: [4],
        note: 'purged in DB, still on write-once media until the destruction of volume 4',
      },
      { cardId: 'b', serial: 'S-b', vscId: 'v2', version: 1, volumes: [], note: 'purged in DB before it was archived: no copy anywhere' },
    ]);
  });
});
