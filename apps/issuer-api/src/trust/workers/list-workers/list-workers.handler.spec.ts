import { InMemoryWorkerRepository } from '../in-memory-worker.repository';
import { RecordingConnections } from '../testing/test-worker';
import { ListWorkersHandler } from './list-workers.handler';

describe('ListWorkersHandler', () => {
  it('lists workers oldest first with whether their channel is open, never their keys', async () => {
    const workers = new InMemoryWorkerRepository();
    workers.seed({ id: 'w2', registeredAt: new Date('2026-12-01T10:00:00Z'), status: 'approved', signKey: Buffer.from('secret-key') });
    workers.seed({ id: 'w1', registeredAt: new Date('2026-12-01T09:00:00Z') });
    const channel = new RecordingConnections();
    channel.online.add('w2');

    const list = await new ListWorkersHandler(workers, channel).execute();

    expect(list.map((w) => [w.id, w.status, w.online])).toEqual([
      ['w1', 'pending', false],
      ['w2', 'approved', true],
    ]);
    expect(Object.keys(list[0]).sort()).toEqual(
      ['id', 'name', 'host', 'workstation', 'fingerprint', 'status', 'registeredAt', 'decidedAt', 'lastSeenAt', 'online'].sort(),
    );
  });
});
