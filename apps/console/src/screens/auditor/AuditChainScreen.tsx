import { Button, Card, Code, List, SimpleGrid, Text, Title } from '@mantine/core';
import { useMutation, useQuery } from '@tanstack/react-query';
import { api, call } from '../../api/client';
import { Page } from '../../components/Page';
import { Problem } from '../../components/Problem';
import { Notice } from './Notice';

interface VerifyReport {
  ok: boolean;
  events: number;
  head: { seq: number; hash: string };
  latestCheckpoint: { seq: number; signedAt: string; keyLabel: string } | null;
  checkpointsChecked: number;
  broken: { seq: number; reason: string } | null;
  problems: string[];
}

/** The audit chain's state: head, last signed checkpoint and the result of walking the whole chain. */
export default function AuditChainScreen() {
  const verify = useQuery({
    queryKey: ['audit-verify'],
    queryFn: () => call<VerifyReport>(() => api.GET('/api/v1/audit/verify')),
  });
  const sign = useMutation({
    mutationFn: () => call<unknown>(() => api.POST('/api/v1/audit/checkpoints')),
    onSuccess: () => void verify.refetch(),
  });
  const v = verify.data;
  return (
    <Page
      title="Audit chain"
      actions={
        <Button.Group>
          <Button variant="default" onClick={() => void verify.refetch()} loading={verify.isFetching}>
            Verify again
          </Button>
          <Button onClick={() => sign.mutate()} loading={sign.isPending}>
            Sign a checkpoint
          </Button>
        </Button.Group>
      }
    >
      <Problem error={verify.error ?? sign.error} />
      {v && (
        <>
          <Notice color={v.ok ? 'green' : 'red'} title={v.ok ? 'Verified' : 'Verification failed'} data-testid="chain-result">
            <Text size="sm">
              {v.events} event(s) walked against {v.checkpointsChecked} signed checkpoint(s).
              {v.broken && ` First broken link: #${v.broken.seq} (${v.broken.reason}).`}
            </Text>
            {v.problems.length > 0 && (
              <List size="sm">
                {v.problems.map((p) => (
                  <List.Item key={p}>{p}</List.Item>
                ))}
              </List>
            )}
          </Notice>
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <Card withBorder>
              <Title order={3} size="h4">
                Head
              </Title>
              <Text>#{v.head.seq}</Text>
              <Code block>{v.head.hash}</Code>
            </Card>
            <Card withBorder>
              <Title order={3} size="h4">
                Last checkpoint
              </Title>
              {v.latestCheckpoint ? (
                <Text>
                  #{v.latestCheckpoint.seq}, signed {new Date(v.latestCheckpoint.signedAt).toLocaleString()} with{' '}
                  {v.latestCheckpoint.keyLabel}
                </Text>
              ) : (
                <Text>None signed yet.</Text>
              )}
            </Card>
          </SimpleGrid>
        </>
      )}
      <Text size="sm">
        The offline bundle (every event, the signed checkpoints, the checkpoint key and a manifest of hashes) is written on the server with{' '}
        <Code>bin/scm audit export</Code>; the API has no route for it.
      </Text>
    </Page>
  );
}
