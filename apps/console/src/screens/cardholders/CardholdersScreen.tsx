import { Badge, Button, Card, FileButton, Group, Modal, Stack, Table, Text, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, call } from '../../api/client';
import type { CardholderView, ImportResult } from '../../api/views';
import { Page } from '../../components/Page';
import { Pager } from '../../components/Pager';
import { Problem } from '../../components/Problem';
import { type CsvLine, parseCardholderCsv } from './csv';

const PAGE = 50;

function AddCardholder({ onDone }: { onDone(): void }) {
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [upn, setUpn] = useState('');
  const add = useMutation({
    mutationFn: () =>
      call<CardholderView>(() => api.POST('/api/v1/cardholders', { body: { name, email: email || undefined, upn: upn || undefined } })),
    onSuccess: onDone,
  });
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        add.mutate();
      }}
    >
      <Stack>
        <TextInput label="Name" value={name} onChange={(e) => setName(e.currentTarget.value)} required withAsterisk={false} />
        <TextInput label="E-mail" type="email" value={email} onChange={(e) => setEmail(e.currentTarget.value)} />
        <TextInput label="User principal name" value={upn} onChange={(e) => setUpn(e.currentTarget.value)} />
        <Problem error={add.error} />
        <Button type="submit" loading={add.isPending}>
          Register
        </Button>
        <Text size="sm">A second officer approves the registration (approvals inbox).</Text>
      </Stack>
    </form>
  );
}

function ImportPreview({ lines, onDone }: { lines: CsvLine[]; onDone(r: ImportResult): void }) {
  const bad = lines.filter((l) => l.error);
  const good = lines.filter((l) => l.value);
  const send = useMutation({
    mutationFn: () =>
      call<ImportResult>(() => api.POST('/api/v1/cardholders/import', { body: { cardholders: good.map((l) => l.value!) } })),
    onSuccess: onDone,
  });
  return (
    <Stack>
      <Text>
        {good.length} line(s) ready, {bad.length} with errors{bad.length ? ': fix them and choose the file again' : ''}.
      </Text>
      {bad.length > 0 && (
        <Table aria-label="Lines with errors">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Line</Table.Th>
              <Table.Th>Error</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {bad.map((l) => (
              <Table.Tr key={l.line}>
                <Table.Td>{l.line}</Table.Td>
                <Table.Td>{l.error}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      <Problem error={send.error} />
      <Button disabled={bad.length > 0 || good.length === 0} loading={send.isPending} onClick={() => send.mutate()}>
        Import {good.length} cardholder(s)
      </Button>
    </Stack>
  );
}

export default function CardholdersScreen() {
  const qc = useQueryClient();
  const [search, setSearch] = useState('');
  const [q] = useDebouncedValue(search, 250);
  const [offset, setOffset] = useState(0);
  const [adding, setAdding] = useState(false);
  const [preview, setPreview] = useState<CsvLine[] | undefined>();
  const [imported, setImported] = useState<ImportResult | undefined>();
  const list = useQuery({
    queryKey: ['cardholders', q, offset],
    queryFn: () =>
      call<CardholderView[]>(() => api.GET('/api/v1/cardholders', { params: { query: { q: q || undefined, limit: PAGE, offset } } })),
    placeholderData: keepPreviousData,
  });
  const refresh = () => void qc.invalidateQueries({ queryKey: ['cardholders'] });
  return (
    <Page
      title="Cardholders"
      actions={
        <Group>
          <FileButton
            accept=".csv,text/csv"
            onChange={(f) => {
              setImported(undefined);
              if (f) void f.text().then((t) => setPreview(parseCardholderCsv(t)));
            }}
          >
            {(props) => (
              <Button variant="default" {...props}>
                Import CSV
              </Button>
            )}
          </FileButton>
          <Button onClick={() => setAdding(true)}>Add cardholder</Button>
        </Group>
      }
    >
      <Group justify="space-between">
        <TextInput
          aria-label="Search cardholders"
          placeholder="Search name, e-mail, UPN, organisation id"
          value={search}
          onChange={(e) => {
            setSearch(e.currentTarget.value);
            setOffset(0);
          }}
          w={380}
        />
        <Pager offset={offset} size={PAGE} count={list.data?.length ?? 0} onChange={setOffset} />
      </Group>
      {imported && (
        <Card withBorder>
          <Text>
            Imported {imported.created} cardholder(s){imported.approval ? '; a second officer approves the registrations' : ''}.
          </Text>
        </Card>
      )}
      <Problem error={list.error} />
      <Table striped aria-label="Cardholders" aria-busy={list.isFetching}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Name</Table.Th>
            <Table.Th>E-mail</Table.Th>
            <Table.Th>UPN</Table.Th>
            <Table.Th>Status</Table.Th>
            <Table.Th>Registered</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {list.data?.map((c) => (
            <Table.Tr key={c.id}>
              <Table.Td>{c.name}</Table.Td>
              <Table.Td>{c.email ?? '—'}</Table.Td>
              <Table.Td>{c.upn ?? '—'}</Table.Td>
              <Table.Td>
                <Badge color={c.status === 'active' ? 'green' : c.status === 'pending' ? 'orange' : 'gray'}>{c.status}</Badge>
              </Table.Td>
              <Table.Td>{new Date(c.createdAt).toLocaleString()}</Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      <Modal opened={adding} onClose={() => setAdding(false)} title="Add a cardholder">
        <AddCardholder
          onDone={() => {
            setAdding(false);
            refresh();
          }}
        />
      </Modal>
      <Modal opened={!!preview} onClose={() => setPreview(undefined)} title="Import cardholders" size="lg">
        {preview && (
          <ImportPreview
            lines={preview}
            onDone={(r) => {
              setPreview(undefined);
              setImported(r);
              refresh();
            }}
          />
        )}
      </Modal>
    </Page>
  );
}
