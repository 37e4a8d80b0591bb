import type { VscState } from '@scm/vsc';
import { stateFromJson, stateToJson, versionView } from './vsc-view';

describe('VSC views', () => {
  it('stores a state with its card binding as JSON (ATR in hex) and reads it back', () => {
    const s: VscState = {
      sequence: 4,
      status: 'active',
      pin: { remaining: 2, total: 3 },
      puk: { remaining: 3, total: 3 },
      binding: { serial: '00001079', atr: Buffer.from('3bf81300008131fe15', 'hex') },
    };
    const json = stateToJson(s);
    expect(json.binding).toEqual({ serial: '00001079', atr: '3bf81300008131fe15' });
    expect(JSON.parse(JSON.stringify(json))).toEqual(json);
    expect(stateFromJson(json)).toEqual(s);
    const unbound: VscState = { sequence: 0, status: 'disabled', pin: { remaining: 3, total: 3 }, puk: { remaining: 3, total: 3 } };
    expect(stateFromJson(stateToJson(unbound))).toEqual(unbound);
  });

  it('shows a version without its content: hash in hex, times in ISO 8601', () => {
    const at = new Date('2026-12-01T10:00:00Z');
    expect(
      versionView({
        vscId: 'v1',
        version: 2,
        sha256: Buffer.alloc(32, 0x0f),
        size: 1234,
        kekLabel: 'scm-vsc-kek/1',
        recoveryLabel: 'scm-recovery/1',
        reason: 'issued',
        createdAt: at,
        escrowedAt: null,
      }),
    ).toEqual({
      version: 2,
      sha256: '0f'.repeat(32),
      size: 1234,
      kek: 'scm-vsc-kek/1',
      recovery: 'scm-recovery/1',
      reason: 'issued',
      createdAt: '2026-12-01T10:00:00.000Z',
      escrowedAt: null,
    });
  });
});
