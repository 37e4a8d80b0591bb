import type { ProgressEvent } from './progress-events.repository';
import { ProgressStream, type ProgressSink } from './progress-stream';
import type { CardProgress } from './progress-views.repository';

const card = (requestId: string, state: string): CardProgress => ({
  requestId,
  cardholder: 'H',
  state,
  failure: null,
  serial: null,
  attempt: null,
  stepsDone: 0,
  stepsTotal: null,
  lastStep: null,
});
const state = (requestId: string, to: string, batchId: string | null = 'b1') =>
  ({ type: 'state', requestId, batchId, from: null, state: to, at: 't' }) as ProgressEvent;
const step = (requestId: string, name: string) =>
  ({ type: 'step', requestId, batchId: 'b1', step: name, outcome: 'done', done: 1, total: 3, serial: null, at: 't' }) as ProgressEvent;

function sink() {
  const out: string[] = [];
  const s: ProgressSink = {
    send: (event, data) => out.push(`${event}:${(data as { requestId?: string }).requestId ?? ''}`),
    end: () => out.push('end'),
  };
  return { out, s };
}

describe('a progress stream', () => {
  it('sends the snapshot first, then what arrived meanwhile, then live events of the batch; it ends when every request is closed', () => {
    const { out, s } = sink();
    const stream = new ProgressStream('b1', s);
    stream.push(step('r1', 'claim'));
    stream.push(state('rx', 'issued', 'other-batch'));
    stream.start([card('r1', 'personalising'), card('r2', 'issued')]);
    stream.push(step('r1', 'pin'));
    stream.push(state('r1', 'issued'));
    expect(out).toEqual(['snapshot:', 'step:r1', 'step:r1', 'state:r1', 'end']);
  });

  it('of one request, follows that request only, and ends at once when it is already closed', () => {
    const { out, s } = sink();
    const stream = new ProgressStream(undefined, s);
    stream.start([card('r1', 'failed')]);
    expect(out).toEqual(['snapshot:', 'end']);
  });

  it('tells the client to read the state again when events may have been missed', () => {
    const { out, s } = sink();
    new ProgressStream('b1', s).reset();
    expect(out).toEqual(['reset:', 'end']);
  });
});
