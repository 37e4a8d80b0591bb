import { X509Certificate } from 'node:crypto';
import { NotAuthorizedError, PivError, PivErrorCode, type ManagementKeyAuthenticator, type PivSession } from '@scm/piv';
import { VscError, VscErrorCode } from '../vsc-errors';
import { bytesEqual, uuidString } from '../format/bytes';
import { KEY_ALGORITHM_IDS, slotName, type KeyAlgorithmId, type VscObject } from '../format/vsc-model';
import { objectTitle, type CardObjectStore } from './card-object-store';
import {
  CHUID_TAG,
  IDENTITY_TAGS,
  MAX_PIV_OBJECT,
  PIN_PROTECTED_TAGS,
  SCM_OBJECT_FIRST,
  SCM_OBJECT_LAST,
  STANDARD_CONTAINERS,
  certificateTagOf,
  chuidGuid,
  decodeScmObject,
  encodeScmObject,
} from './piv-objects';

/** Key slots a backup looks at: 9A, 9C, 9D, 9E and the retired slots 82..95. */
const KEY_SLOTS = [0x9a, 0x9c, 0x9d, 0x9e, ...Array.from({ length: 20 }, (_, i) => 0x82 + i)];

export interface PivCardStoreOptions {
  /** Says "PIV card … in <reader>" in messages. */
  readonly reader?: string;
  /** The PIN was verified on this session: PIN-protected containers are read too. */
  readonly pinVerified?: boolean;
  /** Authenticates the management key before the first write (PUT DATA needs it). */
  readonly managementKey?: ManagementKeyAuthenticator;
}

/** Size of a 53-content once wrapped, as a YubiKey counts it. */
function fitsPiv(content: Uint8Array): boolean {
  return content.length <= MAX_PIV_OBJECT;
}

/**
 * A PIV card (over @scm/piv's PivSession) as a card object store. Reading: the certificates of
 * every key slot, public keys from Yubico GET METADATA where the card has it, the standard
 * containers (the PIN-protected ones only with the PIN verified) and SCM's vendor objects
 * 5FFF20–5FFF3F. Writing: certificates into their slot containers, copied containers back under
 * their tag, named data objects into the vendor range. What PIV cannot hold is a clear error:
 * a private data object outside a PIN-protected container, a certificate outside a key slot, a
 * public key alone, an object over 3063 bytes, a full vendor range. A CHUID or Security Object
 * goes only onto the card it came from.
 */
export class PivCardStore implements CardObjectStore {
  private authenticated = false;
  private vendorTags: Map<number, string> | undefined;

  constructor(
    private readonly session: PivSession,
    private readonly opts: PivCardStoreOptions = {},
  ) {}

  get description(): string {
    return `PIV card${this.opts.reader ? ` in ${this.opts.reader}` : ''}`;
  }

  async guid(): Promise<string | undefined> {
    const chuid = await this.session.getObject(CHUID_TAG).catch(() => undefined);
    const g = chuid && chuidGuid(chuid);
    return g ? uuidString(g) : undefined;
  }

  async list(): Promise<VscObject[]> {
    const out: VscObject[] = [];
    for (const slot of KEY_SLOTS) {
      const cert = await this.session.readCertificate(slot).catch((e: unknown) => {
        if (e instanceof PivError && e.code === PivErrorCode.BadObject) return undefined;
        throw e;
      });
      if (cert) {
        try {
          new X509Certificate(Buffer.from(cert.der));
          out.push({ kind: 'certificate', name: `cert-${slotName(slot)}`, slot, der: Buffer.from(cert.der) });
        } catch {
          // A slot object that is not a certificate is copied as a data object below (nothing is lost).
          out.push({
            kind: 'data',
            name: `piv-object-${(certificateTagOf(slot) as number).toString(16)}`,
            area: 'public',
            cardTag: certificateTagOf(slot),
            value: Buffer.from(cert.der),
          });
        }
      }
      const meta = await this.session.tryMetadata(slot);
      if (meta?.publicKey && KEY_ALGORITHM_IDS.includes(meta.algorithm as KeyAlgorithmId)) {
        out.push({
          kind: 'key',
          name: `key-${slotName(slot)}`,
          slot,
          algorithm: meta.algorithm as KeyAlgorithmId,
          spki: Buffer.from(meta.publicKey.spki),
          escrow: 'on-card',
          origin: 'copied',
          pinPolicy: meta.pinPolicy ?? 0,
          touchPolicy: meta.touchPolicy ?? 0,
        });
      }
    }
    for (const c of STANDARD_CONTAINERS) {
      if (c.pin && !this.opts.pinVerified) continue;
      let value: Uint8Array | undefined;
      try {
        value = await this.session.getObject(c.tag);
      } catch (e) {
        if (e instanceof NotAuthorizedError) continue;
        throw e;
      }
      if (value) out.push({ kind: 'data', name: c.name, area: c.pin ? 'private' : 'public', cardTag: c.tag, value: Buffer.from(value) });
    }
    for (const [tag, name] of await this.scmObjects()) {
      const value = await this.session.getObject(tag);
      if (!value) continue;
      const o = decodeScmObject(value, tag);
      out.push({ kind: 'data', name, area: 'public', ...(o.mediaType ? { mediaType: o.mediaType } : {}), value: o.value });
    }
    return out;
  }

  /** SCM vendor objects on the card: tag → name. */
  private async scmObjects(): Promise<Map<number, string>> {
    if (!this.vendorTags) {
      const m = new Map<number, string>();
      for (let tag = SCM_OBJECT_FIRST; tag <= SCM_OBJECT_LAST; tag++) {
        let value: Uint8Array | undefined;
        try {
          value = await this.session.getObject(tag);
        } catch (e) {
          // A card that refuses the vendor range altogether holds no SCM objects.
          if (e instanceof PivError || (e as { code?: string }).code === 'apdu.status-word') break;
          throw e;
        }
        if (value) m.set(tag, decodeScmObject(value, tag).name);
      }
      this.vendorTags = m;
    }
    return this.vendorTags;
  }

  async cannotHold(obj: VscObject): Promise<string | undefined> {
    switch (obj.kind) {
      case 'certificate': {
        if (obj.slot === undefined) return 'a PIV card keeps certificates only in its key slots';
        const meta = await this.session.tryMetadata(obj.slot);
        if (
          meta?.publicKey &&
          !bytesEqual(meta.publicKey.spki, new X509Certificate(Buffer.from(obj.der)).publicKey.export({ format: 'der', type: 'spki' }))
        ) {
          return `the key in slot ${slotName(obj.slot)} is not the certificate's key`;
        }
        return fitsPiv(obj.der) ? undefined : `it is ${obj.der.length} bytes; a PIV object holds at most ${MAX_PIV_OBJECT}`;
      }
      case 'key':
        return 'a PIV card holds a key only together with its private part (generated on the card or imported at issuance)';
      case 'data': {
        if (obj.cardTag !== undefined) {
          if (IDENTITY_TAGS.has(obj.cardTag) && !(await this.isSameCard(obj))) return 'identity';
          if (obj.area === 'private' && !PIN_PROTECTED_TAGS.has(obj.cardTag))
            return 'a PIV card cannot protect this container with the PIN';
          if (!isPivContainer(obj.cardTag)) {
            return `${obj.cardTag.toString(16).toUpperCase()} is not a PIV container`;
          }
          return fitsPiv(obj.value) ? undefined : `it is ${obj.value.length} bytes; a PIV object holds at most ${MAX_PIV_OBJECT}`;
        }
        if (obj.area === 'private')
          return 'a PIV card has no PIN-protected place for named data objects (only its standard PIN-protected containers)';
        const content = encodeScmObject(obj);
        if (!fitsPiv(content)) return `it is ${content.length} bytes encoded; a PIV object holds at most ${MAX_PIV_OBJECT}`;
        const tags = await this.scmObjects();
        if (![...tags.values()].includes(obj.name) && tags.size > SCM_OBJECT_LAST - SCM_OBJECT_FIRST)
          return 'the SCM object range 5FFF20–5FFF3F is full';
        return undefined;
      }
    }
  }

  private async isSameCard(obj: { value: Uint8Array; cardTag?: number }): Promise<boolean> {
    const mine = await this.guid();
    if (!mine) return false;
    if (obj.cardTag === CHUID_TAG) {
      const theirs = chuidGuid(obj.value);
      return theirs !== undefined && uuidString(theirs) === mine;
    }
    // A Security Object goes back only with its own card's CHUID in place.
    return false;
  }

  async write(obj: VscObject): Promise<void> {
    const reason = await this.cannotHold(obj);
    if (reason === 'identity') {
      throw new VscError(
        VscErrorCode.IdentityCopyRefused,
        `the ${objectTitle(obj)} identifies another card: a card's identity is never copied onto another card`,
        { object: obj.name },
      );
    }
    if (reason)
      throw new VscError(VscErrorCode.CannotHold, `the ${this.description} cannot hold the ${objectTitle(obj)}: ${reason}`, {
        object: obj.name,
      });
    await this.authenticate();
    switch (obj.kind) {
      case 'certificate':
        await this.session.writeCertificate(obj.slot as number, obj.der);
        return;
      case 'data': {
        if (obj.cardTag !== undefined) {
          await this.session.putObject(obj.cardTag, obj.value);
          return;
        }
        const tags = await this.scmObjects();
        let tag = [...tags.entries()].find(([, n]) => n === obj.name)?.[0];
        for (let t = SCM_OBJECT_FIRST; tag === undefined && t <= SCM_OBJECT_LAST; t++) if (!tags.has(t)) tag = t;
        try {
          await this.session.putObject(tag as number, encodeScmObject(obj));
        } catch (e) {
          if ((e as { code?: string }).code !== 'apdu.status-word') throw e;
          throw new VscError(
            VscErrorCode.CannotHold,
            `the ${this.description} refused the ${objectTitle(obj)} in SCM's object range (${(e as Error).message}); it cannot hold named data objects`,
            { object: obj.name },
            { cause: e },
          );
        }
        tags.set(tag as number, obj.name);
        return;
      }
      case 'key':
        return;
    }
  }

  private async authenticate(): Promise<void> {
    if (this.authenticated) return;
    if (!this.opts.managementKey)
      throw new VscError(VscErrorCode.CannotHold, `writing to the ${this.description} needs its management key`);
    await this.session.authenticate(this.opts.managementKey);
    this.authenticated = true;
  }
}

/** SP 800-73-4 containers (5FC101–5FC123), Discovery, the BIT group. */
function isPivContainer(tag: number): boolean {
  return (tag >= 0x5fc101 && tag <= 0x5fc123) || tag === 0x7e || tag === 0x7f61;
}
