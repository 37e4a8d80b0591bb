import { insecureApiUrl } from './api-url';

describe('insecureApiUrl', () => {
  it('allows https anywhere and plain http on loopback only', () => {
    expect(insecureApiUrl('https://scm.example.org')).toBeNull();
    expect(insecureApiUrl('http://127.0.0.1:7400')).toBeNull();
    expect(insecureApiUrl('http://localhost:7400')).toBeNull();
    expect(insecureApiUrl('http://[::1]:7400')).toBeNull();
    expect(insecureApiUrl('http://scm.example.org')).toMatch(/use https:\/\//);
    expect(insecureApiUrl('http://10.0.0.5:7400')).toMatch(/in clear/);
    expect(insecureApiUrl('http://127.0.0.1.evil.example')).toMatch(/in clear/);
    expect(insecureApiUrl('ftp://x')).toMatch(/must use https/);
    expect(insecureApiUrl('nope')).toMatch(/not a URL/);
  });
});
