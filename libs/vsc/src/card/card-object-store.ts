import { VscError, VscErrorCode } from '../vsc-errors';
import { slotName, type VscObject } from '../format/vsc-model';
import type { VirtualSmartCard } from '../control/virtual-smart-card';

/**
 * "The same card API" of the seed's smart card manager: a real card and a VSC both list their
 * objects and take objects pasted into them. Objects are the VSC's typed objects (certificates,
 * public keys, data objects); private keys never travel through this API.
 */
export interface CardObjectStore {
  /** For messages: "PIV card 5550001 in Virtual PCD 00 01", "VSC 00001079". */
  readonly description: string;
  /** The card's CHUID GUID (UUID string), if it has one: a CHUID is only ever written back onto its own card. */
  guid(): Promise<string | undefined>;
  /** Every object the store shows (private ones only when opened or the PIN was given). */
  list(): Promise<VscObject[]>;
  /** Why this store cannot hold `obj`, or undefined when it can. */
  cannotHold(obj: VscObject): Promise<string | undefined>;
  /** Writes (or replaces) one object; `CannotHold` or `IdentityCopyRefused` when it may not. */
  write(obj: VscObject): Promise<void>;
}

/** Describes an object for messages ("certificate cert-9a (slot 9A)"). */
export function objectTitle(o: VscObject): string {
  switch (o.kind) {
    case 'certificate':
      return `certificate ${o.name}${o.slot !== undefined ? ` (slot ${slotName(o.slot).toUpperCase()})` : ''}`;
    case 'key':
      return `public key ${o.name} (slot ${slotName(o.slot).toUpperCase()})`;
    case 'data':
      return `${o.area} data object "${o.name}"${o.cardTag !== undefined ? ` (${o.cardTag.toString(16).toUpperCase()})` : ''}`;
  }
}

/** A VSC as a card object store. Writes need it open; the caller seals (`save`) afterwards. */
export class VscObjectStore implements CardObjectStore {
  constructor(readonly vsc: VirtualSmartCard) {}

  get description(): string {
    return this.vsc.label;
  }

  async guid(): Promise<string | undefined> {
    return this.vsc.id;
  }

  async list(): Promise<VscObject[]> {
    return this.vsc.listObjects();
  }

  async cannotHold(obj: VscObject): Promise<string | undefined> {
    if (this.vsc.access === 'none') return `${this.vsc.label} is not open`;
    if (obj.kind === 'key' && this.vsc.publicKey(obj.slot) && this.vsc.hasPrivateKey(obj.slot)) {
      const mine = this.vsc.publicKey(obj.slot);
      if (mine && !Buffer.from(mine.spki).equals(Buffer.from(obj.spki))) return `slot ${slotName(obj.slot)} holds another private key`;
    }
    return undefined;
  }

  async write(obj: VscObject): Promise<void> {
    const reason = await this.cannotHold(obj);
    if (reason)
      throw new VscError(VscErrorCode.CannotHold, `${this.vsc.label} cannot hold the ${objectTitle(obj)}: ${reason}`, { object: obj.name });
    switch (obj.kind) {
      case 'certificate':
        // A slot certificate whose key is elsewhere (on the card) is stored as is; KeyMismatch only when this VSC holds the slot's key.
        this.vsc.putCertificate(obj.der, { slot: obj.slot, name: obj.name });
        return;
      case 'key': {
        const mine = this.vsc.publicKey(obj.slot);
        if (mine && Buffer.from(mine.spki).equals(Buffer.from(obj.spki)) && this.vsc.hasPrivateKey(obj.slot)) return;
        this.vsc.putPublicKey(obj.slot, obj.spki, { escrow: 'on-card', pinPolicy: obj.pinPolicy, touchPolicy: obj.touchPolicy });
        return;
      }
      case 'data':
        this.vsc.putData({ name: obj.name, area: obj.area, value: obj.value, mediaType: obj.mediaType, cardTag: obj.cardTag });
        return;
    }
  }
}
