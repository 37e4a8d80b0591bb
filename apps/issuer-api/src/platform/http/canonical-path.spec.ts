import { canonicalPath } from './canonical-path';

describe('canonicalPath', () => {
  it('folds case, repeated and trailing slashes and escapes, so a path rule sees one form', () => {
    expect(canonicalPath('/api/v1/auth/reauth')).toBe('/api/v1/auth/reauth');
    expect(canonicalPath('/api/v1/auth/Reauth/')).toBe('/api/v1/auth/reauth');
    expect(canonicalPath('/api/v1/Workers/session')).toBe('/api/v1/workers/session');
    expect(canonicalPath('//api//v1/worker///x//')).toBe('/api/v1/worker/x');
    expect(canonicalPath('/api/v1/%57orkers/session')).toBe('/api/v1/workers/session');
    expect(canonicalPath('/')).toBe('/');
    expect(canonicalPath('/bad%zz')).toBe('/bad%zz');
  });
});
