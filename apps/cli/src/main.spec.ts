import { Command } from 'commander';
import { buildProgram, COMMAND_MODULES, modulesFor } from './main';

describe('scm: command modules loaded on demand', () => {
  it('names, for every module, exactly the top-level commands it registers', async () => {
    for (const m of COMMAND_MODULES) {
      const program = new Command('scm');
      (await m.load())(program);
      expect([m.names, program.commands.map((c) => c.name()).sort()]).toEqual([m.names, [...m.names].sort()]);
    }
  });

  it('loads only the modules of the command given; help, no command or an unknown one loads them all', () => {
    expect(modulesFor(['login', '-u', 'ada']).flatMap((m) => m.names)).toEqual(['login', 'logout', 'whoami', 'passwd']);
    // `card` is shared by five modules, registered in the same order as in the full program.
    const card = modulesFor(['card', 'show']);
    expect(card.map((m) => COMMAND_MODULES.indexOf(m))).toEqual(
      COMMAND_MODULES.map((m, i) => (m.names.includes('card') ? i : -1)).filter((i) => i >= 0),
    );
    expect(card).toHaveLength(5);
    for (const argv of [[], ['--help'], ['help', 'login'], ['no-such-command']]) expect(modulesFor(argv)).toBe(COMMAND_MODULES);
  });

  it('builds the same command tree for one command as the full program has for it', async () => {
    const full = await buildProgram();
    const names = (c: Command): string[] => c.commands.flatMap((x) => [x.name(), ...names(x).map((n) => `${x.name()} ${n}`)]);
    for (const top of ['card', 'temporary-card', 'login']) {
      const one = await buildProgram(modulesFor([top]));
      const sub = (p: Command) => names(p).filter((n) => n === top || n.startsWith(`${top} `));
      expect(sub(one)).toEqual(sub(full));
      expect(sub(one).length).toBeGreaterThan(0);
    }
  });
});
