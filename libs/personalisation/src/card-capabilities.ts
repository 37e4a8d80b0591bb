/**
 * What a card can do that a profile may need, decided without writing anything to the card
 * (docs/card-profile.md, "Card capabilities"). PIV itself (SP 800-73-4) has no way to load a key
 * generated elsewhere: IMPORT ASYMMETRIC KEY (INS FE) is a Yubico extension, and many PIV cards
 * generate keys but cannot import them. Trying the import would write to the card, so the rule rests
 * on what the card says of itself: its ATR (the historical bytes name the model, as OpenSC's YubiKey
 * detection reads them) and its answer to GET VERSION (INS FD, a read). A card whose ATR names a
 * YubiKey and that answers GET VERSION speaks the Yubico PIV extensions, import included; so does a
 * card with another ATR that answers GET VERSION (YubiKey-compatible applets); any other card is
 * taken as unable to import unless its ATR is listed as a known importer.
 */

export const CARD_CAPABILITY_NAMES = ['import-key'] as const;
export type CardCapability = (typeof CARD_CAPABILITY_NAMES)[number];

/** What a worker learnt of a card by reading it (GET VERSION): sent with its claim. */
export interface CardProbe {
  /** The Yubico firmware version (`5.4.3`), or null when the card refused GET VERSION. */
  version: string | null;
}

export interface CardCapabilities {
  capabilities: CardCapability[];
  /** The card model as far as the ATR and probe tell. */
  model: string;
  /** Why, in words an officer reads in a refusal. */
  basis: string;
}

/** ATRs (upper-case hex) of cards known to import keys beyond the YubiKey rule; none yet. */
export const KNOWN_IMPORTER_ATRS: ReadonlyMap<string, string> = new Map();

/** Whether an ATR's bytes name a YubiKey ("YubiKey", "Yubikey 4", …). */
export const atrNamesYubiKey = (atrHex: string): boolean => Buffer.from(atrHex, 'hex').toString('latin1').toLowerCase().includes('yubikey');

/** The capabilities of a card from its ATR and, when the worker probed it, its GET VERSION answer. */
export function cardCapabilitiesOf(atrHex: string, probe?: CardProbe): CardCapabilities {
  const atr = atrHex.toUpperCase();
  const known = KNOWN_IMPORTER_ATRS.get(atr);
  if (known) return { capabilities: ['import-key'], model: known, basis: `ATR ${atr} is a ${known}, known to import keys` };
  if (atrNamesYubiKey(atr)) {
    if (probe && probe.version === null)
      return {
        capabilities: [],
        model: 'unknown (YubiKey ATR)',
        basis: `names a YubiKey in its ATR but refuses GET VERSION, so it does not speak the Yubico PIV extensions`,
      };
    return {
      capabilities: ['import-key'],
      model: `YubiKey${probe?.version ? ` ${probe.version}` : ''}`,
      basis: `is a YubiKey (ATR${probe?.version ? `, firmware ${probe.version}` : ''}): it has IMPORT ASYMMETRIC KEY`,
    };
  }
  // Another card that answers GET VERSION speaks the Yubico PIV extensions too (applets made to be
  // YubiKey-compatible do), IMPORT ASYMMETRIC KEY among them.
  if (probe && probe.version !== null)
    return {
      capabilities: ['import-key'],
      model: `Yubico-compatible PIV card ${probe.version}`,
      basis: `answers the Yubico GET VERSION (${probe.version}), so it speaks the Yubico PIV extensions: it has IMPORT ASYMMETRIC KEY`,
    };
  return {
    capabilities: [],
    model: 'generic PIV card',
    basis: `has the ATR ${atr}, which is no card known to import keys (IMPORT ASYMMETRIC KEY, INS FE, is a Yubico extension)${
      probe ? `; GET VERSION ${probe.version === null ? 'refused' : `answered ${probe.version}`}` : ''
    }`,
  };
}

/** The capabilities `needed` that the card lacks. */
export const missingCapabilities = (needed: readonly string[], card: CardCapabilities): string[] =>
  needed.filter((c) => !(card.capabilities as readonly string[]).includes(c));
