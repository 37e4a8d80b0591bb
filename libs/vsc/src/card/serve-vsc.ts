import { PivCard } from '@scm/card-engine';
import { VpcdConnector, type VirtualCard } from '@scm/vpcd';
import type { VscFile } from '../store/vsc-file';
import { VscCardBackend } from './vsc-card-backend';

export interface ServeVscOptions {
  readonly port: number;
  readonly host?: string;
  /** Unexpected failures inside the card (answered 6F00); never given command data. */
  readonly onError?: (e: unknown) => void;
  /** vpcd closed the connection: the card is out of the reader. */
  readonly onClose?: () => void;
}

export interface ServedVsc {
  readonly backend: VscCardBackend;
  readonly connector: VpcdConnector;
  /** Takes the VSC out of the reader and closes it. */
  remove(): Promise<void>;
}

/**
 * Puts a VSC into a vpcd reader as a PIV card (the software card of @scm/card-engine over a
 * VscCardBackend). A disabled or expired VSC is refused before anything is served. The VSC is
 * closed (its decrypted areas wiped) whenever the card is powered off or reset.
 */
export async function serveVsc(file: VscFile, opts: ServeVscOptions): Promise<ServedVsc> {
  file.vsc.assertUsable();
  const backend = new VscCardBackend(file.vsc, async () => {
    await file.save();
  });
  const card = new PivCard(backend, { onError: opts.onError });
  const endSession = (): void => backend.endSession();
  const virtual: VirtualCard = {
    atr: () => card.atr(),
    transmit: (apdu) => card.transmit(apdu),
    powerOn: () => card.powerOn(),
    powerOff: () => {
      card.powerOff();
      endSession();
    },
    reset: () => {
      card.reset();
      endSession();
    },
  };
  const connector = new VpcdConnector(virtual, {
    port: opts.port,
    host: opts.host,
    onError: opts.onError as ((e: Error) => void) | undefined,
    onClose: opts.onClose,
  });
  await connector.insert();
  return {
    backend,
    connector,
    remove: async () => {
      await connector.remove();
      endSession();
    },
  };
}
