import { Badge, Button, Card, Code, Group, Select, Stack, Table, Text, TextInput } from '@mantine/core';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { ApiProblem, api, authHeader, call } from '../../api/client';
import { Page } from '../../components/Page';
import { Problem } from '../../components/Problem';
import { type Bar, BarChart } from './BarChart';
import { Notice } from './Notice';

interface ReportColumn {
  key: string;
  title: string;
}
interface ReportSummary {
  name: string;
  title: string;
  description: string;
  columns: ReportColumn[];
}
type Row = Record<string, unknown>;
interface RenderedReport {
  name: string;
  title: string;
  generatedAt: string;
  generatedBy: string;
  columns: ReportColumn[];
  rows: Row[];
  chain: { headSeq: number; headHash: string; verified: boolean; latestCheckpoint: number | null; broken: string | null };
}

/** Which reports get a chart, and how its bars are counted from the rows. */
const CHARTS: Record<string, { title: string; unit: string; by: string; sum?: string }> = {
  issuance: { title: 'Issuance requests per day', unit: 'requests', by: 'day', sum: 'requested' },
  'failed-attempts': { title: 'Failed attempts by reason', unit: 'attempts', by: 'reason' },
  recoveries: { title: 'Recoveries by kind', unit: 'recoveries', by: 'kind' },
  reissues: { title: 'Reissues and temporary cards by action', unit: 'events', by: 'action' },
};

function barsOf(name: string, rows: Row[]): Bar[] | undefined {
  const c = CHARTS[name];
  if (!c) return undefined;
  const totals = new Map<string, number>();
  for (const r of rows) {
    const k = String(r[c.by] ?? '—');
    totals.set(k, (totals.get(k) ?? 0) + (c.sum ? Number(r[c.sum] ?? 0) : 1));
  }
  return [...totals].sort(([a], [b]) => a.localeCompare(b)).map(([label, value]) => ({ label, value }));
}

/** The query string of a report run: the filter, and `format` for CSV and PDF. */
function queryOf(from: string, to: string, actor: string, format?: 'csv' | 'pdf'): string {
  const q = new URLSearchParams();
  if (from) q.set('from', `${from}T00:00:00.000Z`);
  if (to) q.set('to', `${to}T23:59:59.999Z`);
  if (actor.trim()) q.set('actor', actor.trim());
  if (format) q.set('format', format);
  return q.toString();
}

/** Fetches a report as CSV or PDF with the session's token and hands it to the browser as a download. */
async function download(name: string, query: string): Promise<string> {
  const res = await fetch(`/api/v1/reports/${encodeURIComponent(name)}?${query}`, { headers: authHeader() });
  if (!res.ok) {
    const e = (await res.json().catch(() => ({}))) as { code?: string; detail?: string };
    throw new ApiProblem(res.status, e.code ?? `http.${res.status}`, e.detail ?? res.statusText);
  }
  const file = /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '')?.[1] ?? `scm-${name}`;
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = file;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  return file;
}

/** The auditor's reports: choose one, filter by period and actor, read it with a chart, download it as CSV or PDF. */
export default function ReportsScreen() {
  const [name, setName] = useState<string | null>('issuance');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [actor, setActor] = useState('');
  const [shown, setShown] = useState<string>('');
  const reports = useQuery({ queryKey: ['reports'], queryFn: () => call<ReportSummary[]>(() => api.GET('/api/v1/reports')) });
  const run = useQuery({
    queryKey: ['report', name, shown],
    queryFn: async () => {
      const res = await fetch(`/api/v1/reports/${encodeURIComponent(name ?? '')}?${shown}`, { headers: authHeader() });
      const body = (await res.json()) as RenderedReport & { code?: string; detail?: string };
      if (!res.ok) throw new ApiProblem(res.status, body.code ?? `http.${res.status}`, body.detail ?? res.statusText);
      return body;
    },
    enabled: !!name,
  });
  const dl = useMutation({ mutationFn: (format: 'csv' | 'pdf') => download(name ?? '', queryOf(from, to, actor, format)) });
  const summary = reports.data?.find((r) => r.name === name);
  const r = run.data;
  const bars = r && barsOf(r.name, r.rows);
  return (
    <Page title="Reports">
      <Card withBorder>
        <Stack>
          <Group align="flex-end" grow>
            <Select
              label="Report"
              data={(reports.data ?? []).map((x) => ({ value: x.name, label: x.title }))}
              value={name}
              onChange={setName}
              allowDeselect={false}
            />
            <TextInput type="date" label="From (day, UTC)" value={from} onChange={(e) => setFrom(e.currentTarget.value)} />
            <TextInput type="date" label="To (day, UTC, included)" value={to} onChange={(e) => setTo(e.currentTarget.value)} />
            <TextInput label="Actor" placeholder="user name" value={actor} onChange={(e) => setActor(e.currentTarget.value)} />
          </Group>
          {summary && <Text size="sm">{summary.description}</Text>}
          <Group>
            <Button onClick={() => setShown(queryOf(from, to, actor))} loading={run.isFetching}>
              Run
            </Button>
            <Button variant="default" onClick={() => dl.mutate('csv')} loading={dl.isPending && dl.variables === 'csv'}>
              Download CSV
            </Button>
            <Button variant="default" onClick={() => dl.mutate('pdf')} loading={dl.isPending && dl.variables === 'pdf'}>
              Download PDF
            </Button>
            {dl.data && <Text size="sm">Downloaded {dl.data}</Text>}
          </Group>
        </Stack>
      </Card>
      <Problem error={reports.error ?? run.error ?? dl.error} />
      {r && (
        <>
          <Notice color={r.chain.verified ? 'green' : 'red'} title={r.chain.verified ? 'Audit chain verified' : 'Audit chain NOT verified'}>
            <Text size="sm">
              {r.title}, generated {new Date(r.generatedAt).toLocaleString()} by {r.generatedBy}; chain head #{r.chain.headSeq}{' '}
              <Code>{r.chain.headHash.slice(0, 16)}…</Code>, last checkpoint{' '}
              {r.chain.latestCheckpoint === null ? 'none' : `#${r.chain.latestCheckpoint}`}
              {r.chain.broken ? `; broken: ${r.chain.broken}` : ''}.
            </Text>
          </Notice>
          {bars && bars.length > 0 && <BarChart title={CHARTS[r.name].title} unit={CHARTS[r.name].unit} bars={bars} />}
          <Table striped aria-label={r.title}>
            <Table.Thead>
              <Table.Tr>
                {r.columns.map((c) => (
                  <Table.Th key={c.key}>{c.title}</Table.Th>
                ))}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {r.rows.map((row, i) => (
                <Table.Tr key={i}>
                  {r.columns.map((c) => (
                    <Table.Td key={c.key}>{row[c.key] === null || row[c.key] === undefined ? '' : String(row[c.key])}</Table.Td>
                  ))}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
          <Text size="sm">
            <Badge variant="light">{r.rows.length}</Badge> row(s)
          </Text>
        </>
      )}
    </Page>
  );
}
