import { Badge, Button, Card, Code, Group, Stack, Text } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, call } from '../../api/client';
import type { ApprovalView } from '../../api/views';
import { Loading } from '../../components/Loading';
import { Page } from '../../components/Page';
import { Problem } from '../../components/Problem';
import { useUser } from '../../session/session';
import { describeApproval } from './describe';

function Approval({ a }: { a: ApprovalView }) {
  const qc = useQueryClient();
  const user = useUser();
  const done = () => void qc.invalidateQueries({ queryKey: ['approvals'] });
  const approve = useMutation({
    mutationFn: () =>
      call(() => api.POST('/api/v1/approvals/{id}/approve', { params: { path: { id: a.id } }, body: { subjectHash: a.subjectHash } })),
    onSuccess: done,
  });
  const reject = useMutation({
    mutationFn: () => call(() => api.POST('/api/v1/approvals/{id}/reject', { params: { path: { id: a.id } }, body: {} })),
    onSuccess: done,
  });
  // requestedBy is the user id (or, for some kinds, an actor "user:<id>").
  const mine = !!user && (a.requestedBy === user.id || a.requestedBy === `user:${user.id}`);
  return (
    <Card withBorder aria-label={describeApproval(a.kind, a.subject)} role="article">
      <Stack gap="xs">
        <Group justify="space-between">
          <Text fw={600}>{describeApproval(a.kind, a.subject)}</Text>
          <Badge>
            {a.approvals} of {a.requiredApprovals}
          </Badge>
        </Group>
        <Text size="sm">
          Asked by {a.requestedBy} on {new Date(a.requestedAt).toLocaleString()}; expires {new Date(a.expiresAt).toLocaleString()}; approver
          role {a.approverRole}.
        </Text>
        <Code block>{JSON.stringify(a.subject, null, 2)}</Code>
        <Text size="xs">Subject hash {a.subjectHash}</Text>
        <Problem error={approve.error ?? reject.error} />
        <Group>
          <Button onClick={() => approve.mutate()} loading={approve.isPending} disabled={mine}>
            Approve
          </Button>
          <Button color="red.9" onClick={() => reject.mutate()} loading={reject.isPending}>
            Reject
          </Button>
          {mine && <Text size="sm">You asked for this: another person approves it.</Text>}
        </Group>
      </Stack>
    </Card>
  );
}

export default function ApprovalsScreen() {
  const q = useQuery({
    queryKey: ['approvals'],
    queryFn: () => call<ApprovalView[]>(() => api.GET('/api/v1/approvals', { params: { query: { status: 'pending' } } })),
    refetchInterval: 5_000,
  });
  return (
    <Page title="Approvals">
      {q.isPending && <Loading />}
      <Problem error={q.error} />
      {q.data?.length === 0 && <Text>Nothing waits for an approval.</Text>}
      <Stack>
        {q.data?.map((a) => (
          <Approval key={a.id} a={a} />
        ))}
      </Stack>
    </Page>
  );
}
