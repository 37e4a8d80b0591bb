import { TestUnitOfWork } from '../../../platform/testing/test-unit-of-work';
import { InMemoryWorkerRepository } from '../../workers/in-memory-worker.repository';
import { InMemoryWorkstationRepository } from '../in-memory-workstation.repository';
import { ReportHeartbeatCommand } from './report-heartbeat.command';
import { ReportHeartbeatHandler } from './report-heartbeat.handler';

describe('ReportHeartbeatHandler', () => {
  it('replaces the workstation reader state and marks the worker seen, without auditing', async () => {
    const uow = new TestUnitOfWork();
    const workstations = new InMemoryWorkstationRepository();
    const workers = new InMemoryWorkerRepository();
    workers.seed({ id: 'w1', workstation: 2, status: 'approved' });
    const handler = new ReportHeartbeatHandler(uow, workstations, workers);

    await handler.execute(
      new ReportHeartbeatCommand(2, 'frontdesk-2', [{ name: 'Virtual PCD 00 00', cardPresent: false, atr: null }], 'w1'),
    );
    uow.testClock.advance(5000);
    const card = { name: 'Virtual PCD 00 00', cardPresent: true, atr: '3B8880010000000000000000' };
    await handler.execute(new ReportHeartbeatCommand(2, 'frontdesk-2', [card], 'w1'));

    expect(await workstations.list()).toEqual([{ id: 2, host: 'frontdesk-2', readers: [card], lastSeen: uow.testClock.now() }]);
    expect(workers.workers.get('w1')!.lastSeenAt).toEqual(uow.testClock.now());
    expect(uow.events).toEqual([]);
    expect(uow.committed).toHaveLength(2);
  });
});
