import { ListReportsHandler } from './list-reports.handler';
import { ListReportsQuery } from './list-reports.query';

describe('ListReportsHandler', () => {
  it('lists every report with its title, description and columns, in a stable order', async () => {
    const list = await new ListReportsHandler().execute(new ListReportsQuery());
    expect(list.map((r) => r.name)).toEqual([
      'issuance',
      'reissues',
      'recoveries',
      'temporary-cards',
      'failed-attempts',
      'archive-volumes',
      'expiring',
    ]);
    expect(list[0]).toEqual({
      name: 'issuance',
      title: 'Issuance by period, officer and profile',
      description: 'Issuance requests per day, requesting officer and card profile, with how they ended',
      columns: [
        { key: 'day', title: 'Day' },
        { key: 'officer', title: 'Officer' },
        { key: 'profile', title: 'Profile' },
        { key: 'requested', title: 'Requested' },
        { key: 'issued', title: 'Issued' },
        { key: 'failed', title: 'Failed' },
        { key: 'cancelled', title: 'Cancelled' },
        { key: 'open', title: 'Open' },
      ],
    });
    for (const r of list) expect(Object.keys(r)).toEqual(['name', 'title', 'description', 'columns']);
  });
});
