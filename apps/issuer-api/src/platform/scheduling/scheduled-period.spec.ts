import { scheduledPeriod } from './scheduled-period';

describe('scheduledPeriod', () => {
  it("is the wall-clock slot of the period holding a scheduler job's due time", () => {
    expect(scheduledPeriod('repeat:sweep-reissues:1764900000000', 'sweep-reissues', 30_000)).toEqual(new Date(1764900000000));
    expect(scheduledPeriod('repeat:sweep-reissues:1764900012345', 'sweep-reissues', 30_000)).toEqual(new Date(1764900000000));
  });

  it('gives consecutive iterations consecutive slots, whatever their cadence', () => {
    const due = [1764900012345, 1764900042345, 1764900072345];
    expect(due.map((ms) => scheduledPeriod(`repeat:j:${ms}`, 'j', 30_000)!.getTime())).toEqual([
      1764900000000, 1764900030000, 1764900060000,
    ]);
  });

  it('has no period for a job no scheduler made, or of another job', () => {
    expect(scheduledPeriod('sweep-reissues|x', 'sweep-reissues', 1000)).toBeUndefined();
    expect(scheduledPeriod('repeat:sweep-reissues:1764900000000', 'write-audit-checkpoint', 1000)).toBeUndefined();
    expect(scheduledPeriod('repeat:sweep-reissues:soon', 'sweep-reissues', 1000)).toBeUndefined();
    expect(scheduledPeriod('', 'sweep-reissues', 1000)).toBeUndefined();
  });
});
