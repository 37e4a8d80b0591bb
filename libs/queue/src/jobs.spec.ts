import { assertIdsOnly, jobId } from './index';

describe('jobs', () => {
  it('gives the same work the same id', () => {
    expect(jobId('generate-keys', { requestId: 'r1' })).toBe('generate-keys|requestId=r1');
    expect(jobId('generate-keys', { requestId: 'r2' })).not.toBe(jobId('generate-keys', { requestId: 'r1' }));
  });

  it('refuses payloads that are not ids', () => {
    expect(() => assertIdsOnly({ requestId: '3f1c-aa' })).not.toThrow();
    expect(() => assertIdsOnly({ pin: '1234 5678' })).toThrow(/must be an id/);
    expect(() => assertIdsOnly({ key: { d: 'x' } })).toThrow(/must be an id/);
  });
});
