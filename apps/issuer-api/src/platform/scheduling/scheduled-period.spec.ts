import { scheduledPeriod } from './scheduled-period';

describe('scheduledPeriod', () => {
  it("reads the due time from a job scheduler's job id", () => {
    expect(scheduledPeriod('repeat:sweep-reissues:1764900000000', 'sweep-reissues')).toEqual(new Date(1764900000000));
  });

  it('has no period for a job no scheduler made, or of another job', () => {
    expect(scheduledPeriod('sweep-reissues|x', 'sweep-reissues')).toBeUndefined();
    expect(scheduledPeriod('repeat:sweep-reissues:1764900000000', 'write-audit-checkpoint')).toBeUndefined();
    expect(scheduledPeriod('repeat:sweep-reissues:soon', 'sweep-reissues')).toBeUndefined();
    expect(scheduledPeriod('', 'sweep-reissues')).toBeUndefined();
  });
});
