import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { api } from '../api-client';
import { CliError, printJson, table } from '../output';
import { prompt } from '../prompt';

type Definition = {
  slots: Record<string, { algorithm: string; template: string; escrow: string }>;
  pin: { minLength: number; maxLength: number; tries: number };
  puk: { length: number; tries: number };
  managementKey: { algorithm: string };
  validityDays: number;
  cardCapabilities?: string[];
};

type Profile = {
  id: string;
  description: string;
  isDefault: boolean;
  version: number;
  definition: Definition;
};

type ProfileVersion = {
  profileId: string;
  version: number;
  description: string;
  definition: Definition;
  proposedBy: string;
  approvedBy: string | null;
  createdAt: string;
};

type ApprovalView = {
  id: string;
  kind: string;
  subject: { profileId?: string; basedOn?: number | null; version?: number; description?: string; definition?: Definition };
  subjectHash: string;
  approvals: number;
  requiredApprovals: number;
  expiresAt: string;
};

function describeDefinition(d: Definition): string {
  return [
    table(
      ['SLOT', 'ALGORITHM', 'TEMPLATE', 'ESCROW'],
      Object.entries(d.slots).map(([s, x]) => [s, x.algorithm, x.template, x.escrow]),
    ),
    '',
    `PIN               ${d.pin.minLength}-${d.pin.maxLength} characters, ${d.pin.tries} tries`,
    `PUK               ${d.puk.length} digits, ${d.puk.tries} tries (random, kept sealed under the HSM)`,
    `management key    ${d.managementKey.algorithm}, diversified from the HSM master key`,
    `validity          ${d.validityDays} days`,
    `card capabilities ${(d.cardCapabilities ?? []).join(', ') || 'none'}`,
  ].join('\n');
}

/** The lines of the definition that differ, as `field: before → after`. */
export function definitionChanges(before: Record<string, unknown> | undefined, after: Record<string, unknown>, at = ''): string[] {
  const out: string[] = [];
  const keys = new Set([...Object.keys(before ?? {}), ...Object.keys(after)]);
  for (const k of [...keys].sort()) {
    const a = before?.[k];
    const b = after[k];
    const path = at ? `${at}.${k}` : k;
    if (a && b && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && !Array.isArray(b))
      out.push(...definitionChanges(a as Record<string, unknown>, b as Record<string, unknown>, path));
    else if (JSON.stringify(a) !== JSON.stringify(b))
      out.push(`${path}: ${a === undefined ? '(none)' : JSON.stringify(a)} → ${b === undefined ? '(none)' : JSON.stringify(b)}`);
  }
  return out;
}

export function registerProfile(program: Command): void {
  const pr = program
    .command('profile')
    .description('Card profiles: per slot algorithm, certificate template and escrow policy; versioned, changed under dual control');
  pr.command('list')
    .description('Card profiles')
    .option('--json', 'machine-readable output')
    .action(async (o: { json?: boolean }) => {
      const list = await api<Profile[]>('GET', '/api/v1/profiles');
      if (o.json) return printJson(list);
      process.stdout.write(
        `${table(
          ['ID', 'VERSION', 'DEFAULT', 'SLOTS (escrow policy)', 'DESCRIPTION'],
          list.map((p) => [
            p.id,
            String(p.version),
            p.isDefault ? 'yes' : '',
            Object.entries(p.definition.slots)
              .map(([s, x]) => `${s}:${x.escrow}`)
              .join(' '),
            p.description,
          ]),
        )}\n`,
      );
    });
  pr.command('show <id>')
    .description('One card profile (its current version, or --version N)')
    .option('--version <n>', 'an earlier approved version')
    .option('--json', 'machine-readable output')
    .action(async (id: string, o: { version?: string; json?: boolean }) => {
      let p: Profile;
      if (o.version !== undefined) {
        const v = (await api<ProfileVersion[]>('GET', `/api/v1/profiles/${encodeURIComponent(id)}/versions`)).find(
          (x) => String(x.version) === o.version,
        );
        if (!v) throw new CliError(`profile ${id} has no version ${o.version}: see "bin/scm profile versions ${id}"`);
        p = { id, description: v.description, isDefault: false, version: v.version, definition: v.definition };
      } else p = await api<Profile>('GET', `/api/v1/profiles/${encodeURIComponent(id)}`);
      if (o.json) return printJson(p);
      process.stdout.write(
        `profile ${p.id} v${p.version}${p.isDefault ? ' (default)' : ''}: ${p.description}\n\n${describeDefinition(p.definition)}\n\n`,
      );
    });
  pr.command('versions <id>')
    .description('Every approved version of a profile: who proposed it, who approved it')
    .option('--json', 'machine-readable output')
    .action(async (id: string, o: { json?: boolean }) => {
      const list = await api<ProfileVersion[]>('GET', `/api/v1/profiles/${encodeURIComponent(id)}/versions`);
      if (o.json) return printJson(list);
      process.stdout.write(
        `${table(
          ['VERSION', 'APPROVED AT', 'PROPOSED BY', 'APPROVED BY', 'DESCRIPTION'],
          list.map((v) => [String(v.version), v.createdAt, v.proposedBy, v.approvedBy ?? '-', v.description]),
        )}\n`,
      );
    });
  pr.command('propose <id>')
    .description(
      'Propose a new profile, or the next version of one, from a JSON definition (slots, pin, puk, managementKey, validityDays, ' +
        'cardCapabilities); a second officer approves it with "bin/scm profile approve". Cards and requests made before keep their version',
    )
    .requiredOption(
      '--file <definition.json>',
      'the definition (or an exported "bin/scm profile show ID --json", whose definition is used)',
    )
    .option('--description <text>', 'what the profile is for (default: the current description)')
    .option('--based-on <n>', 'the version you edited (default: the current one); refused if the profile moved on')
    .option('--json', 'machine-readable output')
    .action(async (id: string, o: { file: string; description?: string; basedOn?: string; json?: boolean }) => {
      let parsed: Record<string, unknown>;
      try {
        parsed = JSON.parse(readFileSync(o.file, 'utf8')) as Record<string, unknown>;
      } catch (e) {
        throw new CliError(`cannot read ${o.file} as JSON: ${(e as Error).message}`);
      }
      const definition = (parsed.definition && typeof parsed.definition === 'object' ? parsed.definition : parsed) as Record<
        string,
        unknown
      >;
      const current = await api<Profile>('GET', `/api/v1/profiles/${encodeURIComponent(id)}`).catch(() => undefined);
      const description =
        o.description ?? current?.description ?? (typeof parsed.description === 'string' ? parsed.description : undefined);
      if (!description) throw new CliError('a new profile needs --description');
      const basedOn = o.basedOn !== undefined ? Number(o.basedOn) : current?.version;
      if (basedOn !== undefined && (!Number.isInteger(basedOn) || basedOn < 1))
        throw new CliError(`--based-on must be a version number, got "${o.basedOn}"`);
      const a = await api<{ id: string; version: number; expiresAt: string }>(
        'POST',
        `/api/v1/profiles/${encodeURIComponent(id)}/proposals`,
        {
          description,
          definition,
          ...(basedOn !== undefined ? { basedOn } : {}),
        },
      );
      if (o.json) return printJson(a);
      const changes = definitionChanges(current?.definition as unknown as Record<string, unknown> | undefined, definition);
      process.stdout.write(
        `${current ? `version ${a.version} of ${id} proposed (from version ${basedOn})` : `new profile ${id} proposed`}: ` +
          `a second officer approves it with "bin/scm profile approve ${a.id}" (before ${a.expiresAt})\n` +
          (current ? changes.map((c) => `  ${c}\n`).join('') : ''),
      );
    });
  pr.command('approve <approvalId>')
    .description(
      'Approve a proposed profile version: shows what changes against the current version, asks, and approves exactly that (its subject hash)',
    )
    .option('--yes', 'do not ask for confirmation (scripts); the changes are still printed')
    .action(async (approvalId: string, o: { yes?: boolean }) => {
      const a = (await api<ApprovalView[]>('GET', '/api/v1/approvals?status=pending')).find((x) => x.id === approvalId);
      if (!a || a.kind !== 'card-profile-change' || !a.subject.definition || !a.subject.profileId)
        throw new CliError(`no pending profile proposal ${approvalId}: see "bin/scm approvals list"`);
      const id = a.subject.profileId;
      const current = a.subject.basedOn ? await api<Profile>('GET', `/api/v1/profiles/${encodeURIComponent(id)}`) : undefined;
      const changes = definitionChanges(
        current?.definition as unknown as Record<string, unknown> | undefined,
        a.subject.definition as unknown as Record<string, unknown>,
      );
      process.stderr.write(
        `approve ${current ? `version ${a.subject.version} of ${id} (now at ${current.version})` : `new profile ${id}`}: ${a.subject.description}\n` +
          (current
            ? changes.map((c) => `  ${c}\n`).join('') || '  (description only)\n'
            : `${describeDefinition(a.subject.definition)}\n`) +
          `  subject hash: ${a.subjectHash}\n`,
      );
      if (!o.yes) {
        if (!process.stdin.isTTY) throw new CliError('confirm on a terminal, or pass --yes to approve without asking');
        const answer = await prompt('Approve exactly this? [y/N] ');
        if (!/^y(es)?$/i.test(answer)) throw new CliError('nothing decided');
      }
      const r = await api<{ status: string; approvals: number; requiredApprovals: number }>(
        'POST',
        `/api/v1/approvals/${approvalId}/approve`,
        {
          subjectHash: a.subjectHash,
        },
      );
      process.stdout.write(
        `${approvalId}: ${r.status} (${r.approvals}/${r.requiredApprovals} approvals)${r.status === 'executed' ? `: profile ${id} is at version ${a.subject.version}` : ''}\n`,
      );
    });
}
