import {
  Badge,
  Button,
  Card,
  Code,
  Group,
  List,
  NumberInput,
  Radio,
  Select,
  Stack,
  Stepper,
  Text,
  TextInput,
  Textarea,
} from '@mantine/core';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { api, call } from '../../api/client';
import type { ApprovalView, WorkerView } from '../../api/views';
import { stateColor } from '../../components/LiveProgress';
import { Page } from '../../components/Page';
import { Problem } from '../../components/Problem';
import type { ApprovalTicket, CardReportView, ReissueView, TemporaryCardView } from './views';
import { Notice } from '../auditor/Notice';

type Reason = 'lost' | 'stolen' | 'damaged' | 'left-at-home' | 'found';
const REASONS: Array<{ value: Reason; label: string; what: string }> = [
  { value: 'lost', label: 'Lost', what: 'certificates revoked (key compromise); a temporary card or a reissue follows' },
  { value: 'stolen', label: 'Stolen', what: 'certificates revoked (key compromise); a temporary card or a reissue follows' },
  { value: 'damaged', label: 'Damaged', what: 'certificates revoked (superseded); a reissue follows' },
  { value: 'left-at-home', label: 'Left at home', what: 'certificates on hold; a temporary card until it is back' },
  { value: 'found', label: 'Found again', what: 'the hold is lifted and temporary cards are revoked' },
];

/**
 * The lost-card wizard: report what happened to a card (the API changes its state and its
 * certificates' status, a new CRL follows), then ask for a temporary card from its escrow or a
 * reissue; both wait for officers' approvals, which the wizard shows until the result exists.
 */
export default function LostCardScreen() {
  const [step, setStep] = useState(0);
  const [serial, setSerial] = useState('');
  const [reason, setReason] = useState<Reason>('lost');
  const [comment, setComment] = useState('');
  const [next, setNext] = useState<'temporary' | 'reissue'>('temporary');
  const [host, setHost] = useState<string | null>(null);
  const [days, setDays] = useState<number | string>(7);

  const report = useMutation({
    mutationFn: () =>
      reason === 'found'
        ? call<CardReportView>(() =>
            api.POST('/api/v1/card-reports/found', { body: { card: serial.trim(), comment: comment || undefined } }),
          )
        : call<CardReportView>(() =>
            api.POST('/api/v1/card-reports', { body: { card: serial.trim(), reason, comment: comment || undefined } }),
          ),
    onSuccess: () => {
      setNext(reason === 'damaged' ? 'reissue' : 'temporary');
      setStep(1);
    },
  });
  const workers = useQuery({
    queryKey: ['workers'],
    queryFn: () => call<WorkerView[]>(() => api.GET('/api/v1/workers')),
    enabled: step === 1,
  });
  const ask = useMutation({
    mutationFn: () =>
      next === 'temporary'
        ? call<ApprovalTicket>(() =>
            api.POST('/api/v1/temporary-cards', {
              body: { card: serial.trim(), hostWorkerId: host ?? '', days: Number(days) || undefined },
            }),
          )
        : call<ApprovalTicket>(() => api.POST('/api/v1/reissues', { body: { card: serial.trim() } })),
    onSuccess: () => setStep(2),
  });

  const r = report.data;
  const hosts = (workers.data ?? []).filter((w) => w.status === 'approved');
  return (
    <Page title="Lost card">
      <Stepper active={step} allowNextStepsSelect={false} aria-label="Lost-card steps">
        <Stepper.Step label="Report" description="What happened">
          <Card withBorder>
            <Stack>
              <TextInput label="Card serial" value={serial} onChange={(e) => setSerial(e.currentTarget.value)} required />
              <Radio.Group label="What happened" value={reason} onChange={(v) => setReason(v as Reason)}>
                <Stack gap="xs" mt="xs">
                  {REASONS.map((x) => (
                    <Radio key={x.value} value={x.value} label={x.label} description={x.what} />
                  ))}
                </Stack>
              </Radio.Group>
              <Textarea
                label="What the cardholder said (audited; no secrets)"
                value={comment}
                onChange={(e) => setComment(e.currentTarget.value)}
                maxLength={500}
              />
              <Problem error={report.error} />
              <Group>
                <Button onClick={() => report.mutate()} loading={report.isPending} disabled={!serial.trim()}>
                  {reason === 'found' ? 'Record as found' : 'Report the card'}
                </Button>
              </Group>
            </Stack>
          </Card>
        </Stepper.Step>
        <Stepper.Step label="Replacement" description="Temporary card or reissue">
          <Stack>
            {r && <ReportOutcome r={r} />}
            {r?.state !== 'found' && (
              <Card withBorder>
                <Stack>
                  <Radio.Group label="What the cardholder gets" value={next} onChange={(v) => setNext(v as 'temporary' | 'reissue')}>
                    <Stack gap="xs" mt="xs">
                      <Radio
                        value="temporary"
                        label="A temporary card"
                        description="a VSC from the card's escrow, served by an enrolled host, until it expires"
                      />
                      <Radio
                        value="reissue"
                        label="A reissue"
                        description="a new card with the escrowed keys; not for a card left at home"
                        disabled={r?.reason === 'left-at-home'}
                      />
                    </Stack>
                  </Radio.Group>
                  {next === 'temporary' && (
                    <Group grow align="flex-start">
                      <Select
                        label="Host (card worker serving it)"
                        placeholder="Choose a host"
                        data={hosts.map((w) => ({
                          value: w.id,
                          label: `${w.name} · workstation ${w.workstation}${w.online ? ' · online' : ''}`,
                        }))}
                        value={host}
                        onChange={setHost}
                        nothingFoundMessage="No approved card worker"
                      />
                      <NumberInput label="Days" min={1} max={90} value={days} onChange={setDays} />
                    </Group>
                  )}
                  <Problem error={workers.error ?? ask.error} />
                  <Group>
                    <Button onClick={() => ask.mutate()} loading={ask.isPending} disabled={next === 'temporary' && !host}>
                      {next === 'temporary' ? 'Ask for a temporary card' : 'Ask for a reissue'}
                    </Button>
                  </Group>
                </Stack>
              </Card>
            )}
          </Stack>
        </Stepper.Step>
        <Stepper.Step label="Approvals" description="Officers decide">
          {ask.data && <Waiting ticket={ask.data} serial={serial.trim()} kind={next} />}
        </Stepper.Step>
      </Stepper>
    </Page>
  );
}

function ReportOutcome({ r }: { r: CardReportView }) {
  return (
    <Notice color={r.state === 'found' ? 'green' : 'yellow'} title={r.state === 'found' ? 'Recorded as found' : `Reported ${r.reason}`}>
      <Text size="sm">
        Card {r.serial ?? r.cardId} is now <Badge color={stateColor(r.cardState)}>{r.cardState}</Badge>; CRL reason {r.crlReason}.
      </Text>
      {r.certificates && r.certificates.length > 0 && <Text size="sm">{r.certificates.length} certificate(s) changed.</Text>}
      {r.temporaryCardsRevoked && r.temporaryCardsRevoked.length > 0 && (
        <Text size="sm">{r.temporaryCardsRevoked.length} temporary card(s) revoked.</Text>
      )}
    </Notice>
  );
}

/** The approvals a request waits for, then what came of it (polled). */
function Waiting({ ticket, serial, kind }: { ticket: ApprovalTicket; serial: string; kind: 'temporary' | 'reissue' }) {
  const approval = useQuery({
    queryKey: ['approval', ticket.approvalId],
    // The list answers one status at a time (pending by default): pending first, then how it ended.
    queryFn: async () => {
      for (const status of ['pending', 'executed', 'approved', 'rejected', 'expired'] as const) {
        const list = await call<ApprovalView[]>(() => api.GET('/api/v1/approvals', { params: { query: { status } } }));
        const found = list.find((x) => x.id === ticket.approvalId);
        if (found) return found;
      }
      return null;
    },
    refetchInterval: (q) => (q.state.data && q.state.data.status !== 'pending' ? false : 2000),
  });
  const decided = !!approval.data && approval.data.status !== 'pending';
  const temp = useQuery({
    queryKey: ['temporary-cards', serial],
    queryFn: () => call<TemporaryCardView[]>(() => api.GET('/api/v1/temporary-cards', { params: { query: { card: serial } } })),
    enabled: kind === 'temporary' && decided,
    refetchInterval: (q) => (q.state.data?.some((t) => t.approvalId === ticket.approvalId) ? false : 2000),
  });
  const reissue = useQuery({
    queryKey: ['reissues', serial],
    queryFn: () => call<ReissueView[]>(() => api.GET('/api/v1/reissues', { params: { query: { card: serial } } })),
    enabled: kind === 'reissue' && decided,
    refetchInterval: 2000,
  });
  const a = approval.data;
  const t = temp.data?.find((x) => x.approvalId === ticket.approvalId);
  const ri = reissue.data?.find((x) => x.approvalId === ticket.approvalId);
  return (
    <Stack>
      <Card withBorder aria-label="Approval" role="region">
        <Text fw={600}>
          {kind === 'temporary' ? 'Temporary card' : 'Reissue'} {decided ? `request ${a?.status ?? ''}` : 'waiting for approval'}
        </Text>
        <List size="sm" mt="xs">
          <List.Item>
            {a ? a.approvals : 0} of {ticket.requiredApprovals} approval(s) by a {ticket.approverRole} (never the requester)
          </List.Item>
          <List.Item>Expires {new Date(ticket.expiresAt).toLocaleString()}</List.Item>
          <List.Item>
            Subject hash <Code>{ticket.subjectHash.slice(0, 16)}…</Code>
          </List.Item>
          <List.Item>
            Status: <Badge data-testid="approval-status">{a?.status ?? 'pending'}</Badge>
          </List.Item>
        </List>
      </Card>
      <Problem error={approval.error ?? temp.error ?? reissue.error} />
      {t && (
        <Notice color="green" title="Temporary card made" data-testid="temporary-card">
          <Text size="sm">
            {t.label} for {t.cardholder}: <Badge color={stateColor(t.state)}>{t.state}</Badge>, served by {t.host.name} (workstation{' '}
            {t.host.workstation}) until {new Date(t.expiresAt).toLocaleString()}. The cardholder sets its PIN at that workstation
            (activation).
          </Text>
        </Notice>
      )}
      {ri && (
        <Notice color="green" title="Reissue under way" data-testid="reissue">
          <Text size="sm">
            Reissue {ri.state}; its issuance request is {ri.requestState}
            {ri.newSerial ? `, new card ${ri.newSerial}` : ''}.
          </Text>
        </Notice>
      )}
    </Stack>
  );
}
