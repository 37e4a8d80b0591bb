import { activationSocketPath, pinProblem } from './activation-protocol';
import { isStepName, planSteps } from './steps';

describe('steps of an attempt', () => {
  it('plans the management key, PIN and PUK first, then imports, generations, objects and one proof per slot', () => {
    const p = planSteps(['9d'], ['9a', '9c', '9e']);
    expect(p).toEqual([
      'claim',
      'authenticate',
      'key-material',
      'management-key',
      'retries',
      'puk',
      'pin',
      'import:9d',
      'generate:9a',
      'generate:9c',
      'generate:9e',
      'certificates',
      'discovery',
      'objects',
      'prove:9a',
      'prove:9c',
      'prove:9d',
      'prove:9e',
      'issued',
    ]);
    expect(p.every(isStepName)).toBe(true);
  });

  it('imports recovered keys into retired slots without planning a proof for them (a reissue)', () => {
    const p = planSteps(['9d', '82', '83'], ['9a']);
    expect(p.filter((x) => x.startsWith('import:'))).toEqual(['import:9d', 'import:82', 'import:83']);
    expect(p.filter((x) => x.startsWith('prove:'))).toEqual(['prove:9a', 'prove:9d']);
  });
  it('accepts no other step names (they reach the audit chain)', () => {
    for (const bad of ['import:9b', 'prove:', 'claim ', 'drop table', 'generate:9A', 'x'.repeat(50)]) expect(isStepName(bad)).toBe(false);
  });
});

describe('activation PIN rules', () => {
  const policy = { minLength: 6, maxLength: 8 };
  it('takes 6 to 8 digits that are not a trivial run', () => {
    expect(pinProblem('418273', policy)).toBeUndefined();
    expect(pinProblem('41827395', policy)).toBeUndefined();
    expect(pinProblem('12345', policy)).toMatch(/6 to 8/);
    expect(pinProblem('123456789', policy)).toMatch(/6 to 8/);
    expect(pinProblem('12a456', policy)).toMatch(/digits/);
    expect(pinProblem('111111', policy)).toMatch(/repeated/);
    expect(pinProblem('345678', policy)).toMatch(/consecutive/);
    expect(pinProblem('876543', policy)).toMatch(/consecutive/);
  });

  it('puts the socket in the worker state directory', () => {
    expect(activationSocketPath('/var/lib/scm', 2)).toBe('/var/lib/scm/worker/ws2.activation.sock');
  });
});
