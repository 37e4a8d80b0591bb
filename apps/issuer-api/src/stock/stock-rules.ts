import { X509Certificate } from 'node:crypto';
import { checkTransportKey, isManagementKeyAlgorithm, type ManagementKeyAlgorithmName } from '@scm/card-secrets';
import type { CardState, StockCardState } from '@scm/db';
import { StockError, StockErrorCode as E } from './stock-errors';

/** The batch of development machines: every blank card with the well-known factory key (SCM_DEV_STOCK=1 only). */
export const DEVELOPMENT_BATCH = 'factory-default';
/** The algorithms the well-known key comes in: 3DES before YubiKey firmware 5.7 (and the software card), AES-192 after. */
export const DEVELOPMENT_ALGORITHMS: readonly ManagementKeyAlgorithmName[] = ['3des', 'aes192'];
/** How long a card has to answer the HSM's challenge (one claim). */
export const PROOF_TTL_MS = 60_000;
/** Most cards one import registers. */
export const MAX_IMPORT = 10_000;

export const BATCH_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
export const SERIAL = /^[0-9A-Za-z_-]{1,64}$/;

/** A stock card's state from the card it became (none yet: in stock) and whether an officer destroyed it. */
export function stockState(card: { state: CardState } | undefined, destroyed: boolean): StockCardState {
  if (destroyed) return 'destroyed';
  if (!card || card.state === 'blank') return 'in-stock';
  if (card.state === 'personalising') return 'bound';
  if (card.state === 'spoiled') return 'spoiled';
  return 'issued';
}

/** An import as the API takes it: the manifest's cards, their transport keys in hex. */
export interface StockImport {
  name: string;
  vendor?: string;
  algorithm: string;
  /** PEM or base64 DER of the vendor's PIV attestation root, when the stock attests its keys. */
  attestationRoot?: string;
  cards: Array<{ serial: string; transportKey: string }>;
}

/** A checked import: keys as bytes (the caller wipes them), the attestation root as DER. */
export interface CheckedImport {
  name: string;
  vendor: string | null;
  algorithm: ManagementKeyAlgorithmName;
  attestationRoot: Buffer | null;
  cards: Array<{ serial: string; key: Buffer }>;
}

const invalid = (message: string, meta: Record<string, unknown> = {}) => new StockError(E.InvalidManifest, message, meta);

/** Parses a PEM or base64 DER certificate; the vendor's attestation root. */
export function parseAttestationRoot(text: string): Buffer {
  const pem = /-----BEGIN CERTIFICATE-----([\s\S]+?)-----END CERTIFICATE-----/.exec(text);
  const der = Buffer.from((pem ? pem[1] : text).replace(/\s+/g, ''), 'base64');
  try {
    new X509Certificate(der);
  } catch {
    throw invalid('the attestation root is not an X.509 certificate (PEM or base64 DER)');
  }
  return der;
}

/** Checks an import whole (every line), or throws InvalidManifest naming the first bad line. */
export function checkImport(i: StockImport): CheckedImport {
  if (!BATCH_NAME.test(i.name)) throw invalid(`batch name "${i.name}": 1 to 64 letters, digits, ".", "_" or "-"`);
  if (i.name === DEVELOPMENT_BATCH) throw invalid(`"${DEVELOPMENT_BATCH}" is the development batch's name`);
  if (!isManagementKeyAlgorithm(i.algorithm))
    throw invalid(`transport key algorithm "${i.algorithm}": one of 3des, aes128, aes192, aes256`);
  if (!i.cards.length) throw invalid('the manifest lists no cards');
  if (i.cards.length > MAX_IMPORT) throw invalid(`at most ${MAX_IMPORT} cards per import, got ${i.cards.length}`);
  const seen = new Set<string>();
  const cards = i.cards.map((c, n) => {
    const line = n + 1;
    if (!SERIAL.test(c.serial)) throw invalid(`card ${line}: serial "${c.serial}" is not 1 to 64 letters or digits`, { line });
    if (seen.has(c.serial)) throw invalid(`card ${line}: serial ${c.serial} is listed twice`, { line });
    seen.add(c.serial);
    if (!/^([0-9a-fA-F]{2})+$/.test(c.transportKey)) throw invalid(`card ${line} (${c.serial}): the transport key is not hex`, { line });
    const key = Buffer.from(c.transportKey, 'hex');
    const bad = checkTransportKey(key, i.algorithm as ManagementKeyAlgorithmName);
    if (bad) throw invalid(`card ${line} (${c.serial}): ${bad}`, { line });
    return { serial: c.serial, key };
  });
  return {
    name: i.name,
    vendor: i.vendor?.trim() || null,
    algorithm: i.algorithm,
    attestationRoot: i.attestationRoot ? parseAttestationRoot(i.attestationRoot) : null,
    cards,
  };
}
