import { CARD_STATES, type CardState } from '@scm/db';
import type { RevocationReason } from '@scm/ca';

/*
 * The card lifecycle of design.md, in one place: allowed transitions and what each state does to
 * the card's certificates. The states are the schema's (libs/db: the CHECK constraint of card.state).
 */
export { CARD_STATES, type CardState };

/** What entering a state does to the certificates of the card's request. */
export type CertificateEffect = { kind: 'none' } | { kind: 'hold' } | { kind: 'release' } | { kind: 'revoke'; reason: RevocationReason };

export interface CardStateRule {
  /** Who or what puts a card in this state (design.md). */
  enteredBy: string;
  to: readonly CardState[];
  effect: CertificateEffect;
}

const none: CertificateEffect = { kind: 'none' };
const END: readonly CardState[] = [];

export const CARD_LIFECYCLE: Readonly<Record<CardState, CardStateRule>> = {
  blank: { enteredBy: 'stock registered (serial, transport key batch)', to: ['personalising', 'spoiled'], effect: none },
  personalising: { enteredBy: 'a worker claims it for a request', to: ['issued', 'spoiled'], effect: none },
  issued: { enteredBy: 'keys proved on the card', to: ['active', 'lost', 'stolen', 'damaged', 'terminated', 'expired'], effect: none },
  active: {
    enteredBy: 'activation: identity check, then the cardholder chooses a PIN',
    to: ['suspended', 'lost', 'stolen', 'damaged', 'replaced', 'terminated', 'expired'],
    effect: { kind: 'release' },
  },
  suspended: {
    enteredBy: 'left at home / temporarily lost',
    to: ['active', 'lost', 'stolen', 'damaged', 'replaced', 'terminated', 'expired'],
    effect: { kind: 'hold' },
  },
  lost: { enteredBy: 'help desk report', to: ['replaced', 'terminated', 'expired'], effect: { kind: 'revoke', reason: 'keyCompromise' } },
  stolen: { enteredBy: 'help desk report', to: ['replaced', 'terminated', 'expired'], effect: { kind: 'revoke', reason: 'keyCompromise' } },
  damaged: { enteredBy: 'help desk report', to: ['replaced', 'terminated', 'expired'], effect: { kind: 'revoke', reason: 'superseded' } },
  replaced: { enteredBy: 'a reissued card became active', to: END, effect: { kind: 'revoke', reason: 'superseded' } },
  // Its request's keys are regenerated before another card is used (invariant 5, issue 7).
  spoiled: { enteredBy: 'pulled mid-personalisation and abandoned by an officer', to: END, effect: none },
  terminated: { enteredBy: 'cardholder offboarded', to: END, effect: { kind: 'revoke', reason: 'cessationOfOperation' } },
  expired: { enteredBy: 'validity ended', to: END, effect: none },
};

export const canCardTransition = (from: CardState, to: CardState): boolean => CARD_LIFECYCLE[from].to.includes(to);

export const isCardState = (s: string): s is CardState => (CARD_STATES as readonly string[]).includes(s);
