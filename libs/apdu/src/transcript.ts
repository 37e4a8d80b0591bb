import { TranscriptError } from './apdu-errors';
import { bytesEqual, fromHex, toHex } from './bytes';
import type { ByteTransport } from './transport';

/** One recorded exchange: the command sent and the card's answer, with their transcript lines. */
export interface TranscriptStep {
  commandLine: number;
  responseLine: number;
  command: Uint8Array;
  response: Uint8Array;
}

/**
 * Parses a transcript: `=> hex` (command) and `<= hex` (response) lines in strict alternation;
 * blank lines and `#` comments are ignored, hex may contain spaces.
 */
export function parseTranscript(text: string): TranscriptStep[] {
  const steps: TranscriptStep[] = [];
  let pending: { line: number; bytes: Uint8Array } | undefined;
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = i + 1;
    const s = raw.replace(/#.*$/, '').trim();
    if (s === '') return;
    const m = /^(=>|<=)\s*([0-9a-fA-F\s]*)$/.exec(s);
    if (!m) throw new TranscriptError(`expected "=> hex" or "<= hex", got "${s.slice(0, 40)}"`, line);
    const bytes = fromHex(m[2]);
    if (m[1] === '=>') {
      if (pending) throw new TranscriptError('two commands without a response between them', line);
      pending = { line, bytes };
    } else {
      if (!pending) throw new TranscriptError('a response without a command', line);
      steps.push({ commandLine: pending.line, responseLine: line, command: pending.bytes, response: bytes });
      pending = undefined;
    }
  });
  if (pending) throw new TranscriptError('the last command has no response', pending.line);
  return steps;
}

/**
 * A card that replays a transcript: each command must equal the next recorded one (else a
 * TranscriptError naming the line), and `assertDone()` fails if recorded exchanges were not used.
 */
export class TranscriptTransport implements ByteTransport {
  private readonly steps: TranscriptStep[];
  private next = 0;

  constructor(transcript: string | TranscriptStep[]) {
    this.steps = typeof transcript === 'string' ? parseTranscript(transcript) : transcript;
  }

  async transmit(apdu: Uint8Array): Promise<Uint8Array> {
    const step = this.steps[this.next];
    if (!step) throw new TranscriptError(`unexpected command ${toHex(apdu)} after the end of the transcript`, this.lastLine());
    if (!bytesEqual(step.command, apdu)) {
      throw new TranscriptError(`expected => ${toHex(step.command)}, got => ${toHex(apdu)}`, step.commandLine);
    }
    this.next++;
    return Uint8Array.from(step.response);
  }

  /** How many recorded exchanges are still unused. */
  get remaining(): number {
    return this.steps.length - this.next;
  }

  /** Throws unless every recorded exchange was replayed. */
  assertDone(): void {
    const step = this.steps[this.next];
    if (step)
      throw new TranscriptError(`${this.remaining} recorded exchange(s) not used, first => ${toHex(step.command)}`, step.commandLine);
  }

  private lastLine(): number | undefined {
    return this.steps.length ? this.steps[this.steps.length - 1].responseLine : undefined;
  }
}

/**
 * Records the exchanges of a transport as a transcript. For tests and fixtures only: it keeps the
 * bytes in clear, PINs and keys included.
 */
export class TranscriptRecorder implements ByteTransport {
  private readonly lines: string[] = [];

  constructor(private readonly inner: ByteTransport) {}

  async transmit(apdu: Uint8Array): Promise<Uint8Array> {
    this.lines.push(`=> ${toHex(apdu)}`);
    const r = await this.inner.transmit(apdu);
    this.lines.push(`<= ${toHex(r)}`);
    return r;
  }

  /** Adds a comment line to the transcript. */
  comment(text: string): void {
    this.lines.push(`# ${text}`);
  }

  text(): string {
    return `${this.lines.join('\n')}\n`;
  }
}
