import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { removeTree } from './remove-tree';

describe('removeTree', () => {
  const base = mkdtempSync(join(tmpdir(), 'scm-remove-tree-'));
  afterAll(() => rmSync(base, { recursive: true, force: true }));

  it('removes a tree with more files in one directory than it unlinks at once, and nested directories', async () => {
    const root = join(base, 'staging');
    mkdirSync(join(root, 'vsc', 'aa', 'deeper'), { recursive: true });
    for (let i = 0; i < 700; i++) writeFileSync(join(root, 'vsc', `f${i}`), 'x');
    for (let i = 0; i < 10; i++) writeFileSync(join(root, 'vsc', 'aa', `g${i}`), 'y');
    writeFileSync(join(root, 'vsc', 'aa', 'deeper', 'h'), 'z');
    writeFileSync(join(root, 'MANIFEST.JSON'), '{}');
    await removeTree(root);
    expect(existsSync(root)).toBe(false);
    expect(existsSync(base)).toBe(true);
  });

  it('takes a tree that is already gone', async () => {
    await expect(removeTree(join(base, 'never-there'))).resolves.toBeUndefined();
  });
});
