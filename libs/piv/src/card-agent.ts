import { type ApduTraceLogger, type ByteTransport, parseAtr } from '@scm/apdu';

/** How well an ATR fits a card type: certainly, possibly (probe to find out), or not at all. */
export type AtrMatch = 'yes' | 'maybe' | 'no';

/** What a card agent learned about a card. */
export interface CardDescription {
  /** Card type, e.g. 'piv'. */
  type: string;
  /** Human label, e.g. 'PIV (YubiKey 5.4.3)'. */
  label: string;
  /** Card serial when the card tells it (as text: serials are not always numbers). */
  serial?: string;
  /** Type-specific details (for PIV: GUID, version). */
  details: Record<string, unknown>;
}

export interface ProbeContext {
  atr: Uint8Array;
  trace?: ApduTraceLogger;
}

/**
 * One card type. The agency asks `matchAtr` first (cheap, no I/O), then `probe` over the card's
 * transport, so a second card type is a new agent, not a change to the others.
 */
export interface CardAgent {
  readonly type: string;
  matchAtr(atr: Uint8Array): AtrMatch;
  /** Talks to the card; resolves with a description if it is this agent's type, else undefined. */
  probe(transport: ByteTransport, ctx: ProbeContext): Promise<CardDescription | undefined>;
}

/** Historical bytes as Latin-1 text (for "YubiKey"-style matches), empty for a malformed ATR. */
export function atrText(atr: Uint8Array): string {
  try {
    return Buffer.from(parseAtr(atr).historical).toString('latin1');
  } catch {
    return '';
  }
}

/** Chooses the agent for a card: ATR matches first ('yes' before 'maybe'), then probing in that order. */
export class CardAgency {
  constructor(private readonly agents: readonly CardAgent[]) {}

  /** The agents worth probing for this ATR, best first. */
  candidates(atr: Uint8Array): CardAgent[] {
    const rank = (m: AtrMatch): number => (m === 'yes' ? 0 : m === 'maybe' ? 1 : 2);
    return this.agents
      .map((agent, i) => ({ agent, i, m: agent.matchAtr(atr) }))
      .filter((x) => x.m !== 'no')
      .sort((a, b) => rank(a.m) - rank(b.m) || a.i - b.i)
      .map((x) => x.agent);
  }

  /**
   * Identifies the card; undefined if no agent claims it. A probe that fails with an error is
   * treated as "not this type" only for typed card answers; transport failures propagate.
   */
  async identify(transport: ByteTransport, ctx: ProbeContext): Promise<{ agent: CardAgent; card: CardDescription } | undefined> {
    for (const agent of this.candidates(ctx.atr)) {
      const card = await agent.probe(transport, ctx);
      if (card) return { agent, card };
    }
    return undefined;
  }
}
