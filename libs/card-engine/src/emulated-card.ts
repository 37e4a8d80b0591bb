import { VpcdConnector } from '@scm/vpcd';
import type { PivCardBackend } from './backend/piv-card-backend.port';
import { SoftPivBackend } from './backend/soft-piv-backend';
import { PivCard, type PivCardOptions } from './card/piv-card';

export interface EmulatedCardOptions extends PivCardOptions {
  /** vpcd port of the reader (slot n of a pcscd listens on its base port + n). */
  port: number;
  host?: string;
  /** Card content; a blank in-memory card by default. */
  backend?: PivCardBackend;
  /** Keep dialling until vpcd listens (ms between tries); by default a refused connection fails at once. */
  retryMs?: number;
  /** vpcd closed the connection (pcscd stopped): the card is out of the reader. */
  onClose?: () => void;
}

/** A software PIV card sitting in a vpcd reader. */
export interface EmulatedCard {
  readonly card: PivCard;
  readonly backend: PivCardBackend;
  readonly connector: VpcdConnector;
  /** Takes the card out of the reader (closes the vpcd connection). */
  remove(): Promise<void>;
}

/** Puts a software PIV card into the vpcd reader on `port`; resolves once vpcd accepted the connection. */
export async function startEmulatedCard(opts: EmulatedCardOptions): Promise<EmulatedCard> {
  const backend = opts.backend ?? new SoftPivBackend();
  const card = new PivCard(backend, opts);
  const connector = new VpcdConnector(card, {
    port: opts.port,
    host: opts.host,
    retryMs: opts.retryMs,
    onError: opts.onError,
    onClose: opts.onClose,
  });
  await connector.insert();
  return { card, backend, connector, remove: () => connector.remove() };
}
