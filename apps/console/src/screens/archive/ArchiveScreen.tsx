import { Alert, Button, Card, Code, List, Table, Text, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, call } from '../../api/client';
import type { ReconciliationReport, StoredVolume } from '../../api/views';
import { Page } from '../../components/Page';
import { Problem } from '../../components/Problem';
import { hasAnyRole, useUser } from '../../session/session';

/** Write-once archive volumes: seal the escrow not yet archived, and reconcile issued cards against the volumes. */
export default function ArchiveScreen() {
  const qc = useQueryClient();
  const user = useUser();
  const volumes = useQuery({
    queryKey: ['volumes'],
    queryFn: () => call<{ volumes: StoredVolume[] }>(() => api.GET('/api/v1/archive/volumes')),
  });
  const seal = useMutation({
    mutationFn: () => call<unknown>(() => api.POST('/api/v1/archive/volumes')),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ['volumes'] }),
  });
  const reconcile = useMutation({ mutationFn: () => call<ReconciliationReport>(() => api.GET('/api/v1/archive/reconciliation')) });
  const r = reconcile.data;
  return (
    <Page
      title="Archive volumes"
      actions={
        hasAnyRole(user, ['security-officer']) && (
          <Button onClick={() => seal.mutate()} loading={seal.isPending}>
            Seal a volume
          </Button>
        )
      }
    >
      <Problem error={volumes.error ?? seal.error ?? reconcile.error} />
      <Table striped aria-label="Volumes">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Volume</Table.Th>
            <Table.Th>Image</Table.Th>
            <Table.Th>Entries</Table.Th>
            <Table.Th>Image SHA-256</Table.Th>
            <Table.Th>Audit head</Table.Th>
            <Table.Th>Sealed</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {volumes.data?.volumes.map((v) => (
            <Table.Tr key={v.volume}>
              <Table.Td>{v.volume}</Table.Td>
              <Table.Td>{v.imageName}</Table.Td>
              <Table.Td>{v.entries}</Table.Td>
              <Table.Td>
                <Code>{v.imageSha256.slice(0, 16)}…</Code>
              </Table.Td>
              <Table.Td>#{v.audit.seq}</Table.Td>
              <Table.Td>{new Date(v.createdAt).toLocaleString()}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {volumes.data?.volumes.length === 0 && <Text>No volume has been sealed.</Text>}
      <Card withBorder>
        <Title order={3} size="h4" mb="xs">
          Reconciliation
        </Title>
        <Text size="sm" mb="sm">
          Every version of every issued card&apos;s VSC in exactly one volume, with the escrow&apos;s hash. A volume&apos;s image is
          verified offline with <Code>bin/scm archive verify</Code>.
        </Text>
        <Button variant="default" onClick={() => reconcile.mutate()} loading={reconcile.isPending}>
          Reconcile
        </Button>
        {r && (
          <Alert mt="sm" color={r.ok ? 'green' : 'red'} title={r.ok ? 'Consistent' : 'Differences found'}>
            <Text size="sm">
              {r.cards} issued card(s), {r.versions} version(s), {r.copies} copies in volumes {r.volumes.join(', ') || '—'}.
            </Text>
            <List size="sm">
              {r.missing.length > 0 && <List.Item>{r.missing.length} version(s) in no volume</List.Item>}
              {r.duplicated.length > 0 && <List.Item>{r.duplicated.length} version(s) in more than one volume</List.Item>}
              {r.mismatched.length > 0 && <List.Item>{r.mismatched.length} copies that differ from the escrow</List.Item>}
              {r.withoutVsc.length > 0 && <List.Item>{r.withoutVsc.length} issued card(s) without a VSC</List.Item>}
            </List>
          </Alert>
        )}
      </Card>
    </Page>
  );
}
