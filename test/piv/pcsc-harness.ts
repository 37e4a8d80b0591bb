import { PcscCardChannel, PcscError, PcscErrorCode, type CardChannelOptions } from '@scm/pcsc';
import { startEmulatedCard, SoftPivBackend, type EmulatedCard, type SoftPivBackendOptions } from '@scm/card-engine';
import type { Workstation } from '@scm/config';
import { waitForCard } from '../card-engine/support';

/** vpcd's reader name for slot n of a workstation's pcscd. */
export const readerName = (slot: 0 | 1): string => `Virtual PCD 00 0${slot}`;

/**
 * Opens a PC/SC card channel on a workstation's reader, waiting for the card to show up (pcscd
 * polls vpcd about every 400 ms). The channel's reader host inherits PCSCLITE_CSOCK_NAME.
 */
export async function openChannel(ws: Workstation, slot: 0 | 1, opts: CardChannelOptions = {}, waitMs = 8000): Promise<PcscCardChannel> {
  process.env.PCSCLITE_CSOCK_NAME = ws.socket;
  const t0 = Date.now();
  for (;;) {
    try {
      return await PcscCardChannel.open(readerName(slot), opts);
    } catch (e) {
      const retry =
        e instanceof PcscError &&
        [PcscErrorCode.NoCard, PcscErrorCode.Unresponsive, PcscErrorCode.ReaderGone, PcscErrorCode.CardRemoved].includes(e.code);
      if (!retry || Date.now() - t0 > waitMs) throw e;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

/** A blank software PIV card (or the given one) inserted into a workstation's vpcd reader. */
export async function insertSoftCard(
  ws: Workstation,
  slot: 0 | 1,
  opts: SoftPivBackendOptions & { backend?: SoftPivBackend } = {},
): Promise<EmulatedCard> {
  return startEmulatedCard({
    port: ws.vpcdPorts[slot],
    backend: opts.backend ?? new SoftPivBackend({ serial: 23456789, ...opts }),
    retryMs: 200,
  });
}

/** Waits until pcscd shows the workstation's readers (both, or the slots given) empty: after a removal it needs a poll to notice. */
export async function settleRemoval(ws: Workstation, slots: ReadonlyArray<0 | 1> = [0, 1]): Promise<void> {
  for (const slot of slots) await waitForCard({ ws, port: ws.vpcdPorts[slot], name: readerName(slot) }, false);
}
