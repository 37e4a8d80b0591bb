import { InMemoryWorkstationRepository } from '../in-memory-workstation.repository';
import { ListWorkstationsHandler } from './list-workstations.handler';

describe('ListWorkstationsHandler', () => {
  it('lists workstations by number with their last reported readers', async () => {
    const repo = new InMemoryWorkstationRepository();
    const tx = { em: undefined as never, now: new Date('2026-12-01T09:00:00Z') };
    await repo.save(tx, { id: 3, host: 'h3', readers: [], lastSeen: tx.now });
    await repo.save(tx, { id: 1, host: 'h1', readers: [{ name: 'Virtual PCD 00 00', cardPresent: true, atr: '3B00' }], lastSeen: tx.now });

    const list = await new ListWorkstationsHandler(repo).execute();

    expect(list.map((w) => [w.id, w.host, w.readers.length])).toEqual([
      [1, 'h1', 1],
      [3, 'h3', 0],
    ]);
  });
});
