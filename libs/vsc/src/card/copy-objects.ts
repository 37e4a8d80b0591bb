import { VscError, VscErrorCode } from '../vsc-errors';
import type { VscObject } from '../format/vsc-model';
import { objectTitle, type CardObjectStore } from './card-object-store';

export interface PasteOptions {
  /** Skip public keys a target cannot hold alone (a PIV card keeps its own key pair): restore does. */
  readonly skipKeys?: boolean;
  /** Report and skip identity objects (CHUID, Security Object) instead of failing: restore does. */
  readonly skipIdentity?: boolean;
  /** Report and skip anything else the target cannot hold instead of failing. */
  readonly skipUnsupported?: boolean;
}

export interface PasteReport {
  readonly copied: VscObject[];
  readonly skipped: Array<{ readonly object: VscObject; readonly reason: string }>;
}

/**
 * Pastes objects into a card or VSC (the seed's Edit → Paste). Every object is checked first: if
 * one cannot be held and may not be skipped, nothing is written and the error lists them all.
 */
export async function pasteObjects(objects: readonly VscObject[], to: CardObjectStore, opts: PasteOptions = {}): Promise<PasteReport> {
  const plan: VscObject[] = [];
  const skipped: PasteReport['skipped'] = [];
  const problems: string[] = [];
  let identity = false;
  for (const o of objects) {
    const reason = await to.cannotHold(o);
    if (!reason) {
      plan.push(o);
      continue;
    }
    if (reason === 'identity') {
      const why = "a card's identity is never copied onto another card";
      if (opts.skipIdentity) skipped.push({ object: o, reason: why });
      else {
        identity = true;
        problems.push(`${objectTitle(o)}: ${why}`);
      }
    } else if ((o.kind === 'key' && opts.skipKeys) || opts.skipUnsupported) {
      skipped.push({ object: o, reason });
    } else {
      problems.push(`${objectTitle(o)}: ${reason}`);
    }
  }
  if (problems.length) {
    throw new VscError(
      identity && problems.length === 1 ? VscErrorCode.IdentityCopyRefused : VscErrorCode.CannotHold,
      `the ${to.description} cannot take ${problems.length === 1 ? 'this object' : 'these objects'} (nothing was written): ${problems.join('; ')}`,
      { objects: problems.length },
    );
  }
  for (const o of plan) await to.write(o);
  return { copied: plan, skipped };
}

/** Copy of a whole card: every object the source lists (private keys never are). */
export async function copyCard(from: CardObjectStore, to: CardObjectStore, opts: PasteOptions = {}): Promise<PasteReport> {
  return pasteObjects(await from.list(), to, opts);
}
