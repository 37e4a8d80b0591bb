/**
 * How issuance scales with readers when the cards are as slow as real ones: cards per second with
 * 1, 2, 4 and 8 readers (two per workstation, each workstation its own pcscd and card worker), the
 * software PIV cards answering with a latency model (libs/card-engine/src/card/card-latency.ts),
 * and the scaling factor against one reader. With slow cards SCM scales when it keeps every reader
 * busy: a card waiting for SCM (the API, the HSM, a worker's event loop) is time lost for that reader.
 *
 * The latency model's defaults (`yubikey5`) are estimates. No vendor publishes per-command timings
 * of the YubiKey 5 PIV applet; what public sources say, and what the defaults take from them:
 * - Per APDU 4 ms. A YubiKey 5 answers a GET DATA for an empty slot "in less than 1 ms" (compared
 *   with ~127 ms on a Nitrokey 3: github.com/trussed-dev/piv-authenticator/issues/40); a command
 *   over USB full-speed CCID costs a few ms of bus and driver round trip on top of that.
 * - On-card ECC key generation well under a second ("we can generate ECC keys … in less than a
 *   second", github.com/trustcrypto/OnlyKey-Firmware/issues/66; "elliptic curve cryptography should
 *   however be quite fast", github.com/Nitrokey/nitrokey-3-firmware/issues/136): P-256 250 ms,
 *   P-384 500 ms.
 * - On-card RSA key generation takes seconds: a prime search on the card's chip ("smartcards can
 *   generate RSA keys of 2048bit in about 9 secs", OnlyKey-Firmware/issues/66; longer keys cost
 *   more CPU time on embedded devices, yubico.com/blog/big-debate-2048-4096-yubicos-stand): RSA-1024
 *   1.5 s, RSA-2048 6 s, RSA-3072 20 s (RSA-3072/4096 need firmware 5.7: docs.yubico.com/hardware/
 *   yubikey/yk-tech-manual/yk5-apps-piv.html).
 * Override them to match a measured card: BENCH_CARD_LATENCY=yubikey5,apdu=3,rsa2048=9000.
 *
 * `npm run bench personalise-scaling`; BENCH_CARD_LATENCY (default yubikey5; `off` for fast cards),
 * BENCH_CARDS_PER_READER (default 10 for P-256, 3 for RSA-2048), BENCH_READERS (default 1,2,4,8),
 * BENCH_ALGS (default p256,rsa2048), BENCH_API_REPLICAS (default 1: the API in this process; more
 * run as processes of their own, the workstations spread over them); BENCH_LOG_DIR keeps the
 * workers' logs. Besides the throughput it prints the CPU each part spent per card and how busy
 * the API's event loop was: what holds the scaling when it falls short.
 *
 * Two throughputs per cell: from the first insertion to the last issued card (readers that start
 * together fill up at once, and the slowest reader's last card ends the cell), and the steady state
 * (bench/_steady.ts: the cards issued while every reader was at work, over that time), which is
 * what a desk that keeps its readers fed all day sees.
 */
import { parseCardLatency } from '@scm/card-engine';
import { attempts, feed, startBenchStack, startCardFarms, waitStates } from './_personalise-stack';
import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import { type CpuParts, cpuSnapshot, selfCpu } from './_cpu';
import { median, runBench, summaryRow, table } from './_support';
import { steadyRate } from './_steady';

async function main(): Promise<void> {
  const latencySpec = process.env.BENCH_CARD_LATENCY ?? 'yubikey5';
  const latency = parseCardLatency(latencySpec);
  // Enough cards per reader that the start and the end of a cell (readers starting together, the
  // slowest reader's last card) weigh little against the steady state; an RSA card takes ~20 s.
  // P-256: 20 (the 8-reader cell about a minute). With 10, five runs of the same build gave
  // 6.65-7.10x first insertion to last card and 6.78-7.31x steady: the ends of a cell are a tenth
  // of it, and which reader finishes last moves the figure.
  const perReaderOf = (alg: 'p256' | 'rsa2048') => Number(process.env.BENCH_CARDS_PER_READER ?? (alg === 'p256' ? 20 : 3));
  const readerCounts = (process.env.BENCH_READERS ?? '1,2,4,8').split(',').map(Number);
  const algs = (process.env.BENCH_ALGS ?? 'p256,rsa2048').split(',') as Array<'p256' | 'rsa2048'>;
  const s = await startBenchStack();
  // Each reader's cards answer from a process of their own, as real cards do from their own chips.
  const farm = startCardFarms();
  const rows: string[][] = [];
  const cpuRows: string[][] = [];
  const perSecond = new Map<string, number>();
  const steadyPerSecond = new Map<string, number>();
  try {
    const max = Math.max(...readerCounts);
    if (s.readers.length < max) throw new Error(`${max} readers wanted, the workstations have ${s.readers.length}`);
    for (const alg of algs) {
      await s.profile(`bench-${alg}`, alg);
      for (const n of readerCounts) {
        const readers = s.readers.slice(0, n);
        const stations = [...new Set(readers.map((r) => r.ws.id))];
        await s.stopWorkers();
        await s.startWorkers(stations);
        const count = n * perReaderOf(alg);
        const ids = await s.issue(await s.cardholders(count), `bench-${alg}`);
        await waitStates(s.ds, ids, ['awaiting-card']);
        await farm.ready(readers);
        const cpuParts: CpuParts = {
          replicas: { pids: s.replicaPids() },
          workers: { pids: [...s.workers.values()].flatMap((w) => (w.process.pid ? [w.process.pid] : [])) },
          cards: { pids: farm.pids() },
          pcscd: { comm: 'pcscd' },
          postgres: { comm: 'postgres' },
          redis: { comm: 'redis-server' },
        };
        const api = () => {
          const c = cpuSnapshot(cpuParts);
          return { ...c, api: selfCpu() + c.replicas };
        };
        const cpu0: Record<string, number> = api();
        const elu0 = performance.eventLoopUtilization();
        const { ms, issued } = await feed(s, readers, count, { farm, latency: latencySpec });
        await waitStates(s.ds, ids, ['issued']);
        const cpu1: Record<string, number> = api();
        const elu = performance.eventLoopUtilization(elu0).utilization;
        const perCard = (k: string) => (cpu1[k] - cpu0[k]) / count;
        const parts = ['api', 'workers', 'cards', 'pcscd', 'postgres', 'redis'] as const;
        const total = parts.reduce((t, k) => t + perCard(k), 0);
        cpuRows.push([
          alg === 'p256' ? 'P-256' : 'RSA-2048',
          String(n),
          ...parts.map((k) => String(Math.round(perCard(k) * 1000))),
          String(Math.round(total * 1000)),
          ((total * count) / (ms / 1000)).toFixed(2),
          `${Math.round(elu * 100)}%`,
        ]);
        const a = attempts(s).filter((x) => x.outcome === 'issued');
        const cps = (count * 1000) / ms;
        const steady = steadyRate(issued);
        perSecond.set(`${alg}/${n}`, cps);
        if (steady !== undefined) steadyPerSecond.set(`${alg}/${n}`, steady);
        const one = perSecond.get(`${alg}/${readerCounts[0]}`)!;
        const steadyOne = steadyPerSecond.get(`${alg}/${readerCounts[0]}`);
        rows.push([
          alg === 'p256' ? 'P-256' : 'RSA-2048',
          String(n),
          String(count),
          (ms / 1000).toFixed(1),
          cps.toFixed(3),
          `${(cps / one).toFixed(2)}×`,
          steady === undefined ? '—' : steady.toFixed(3),
          steady === undefined || steadyOne === undefined ? '—' : `${(steady / steadyOne).toFixed(2)}×`,
          (median(a.map((x) => x.ms)) / 1000).toFixed(2),
        ]);
        process.stderr.write(`${rows[rows.length - 1].join('  ')}\n`);
      }
      const last = readerCounts[readerCounts.length - 1];
      if (readerCounts[0] === 1 && latency) {
        const name = alg === 'p256' ? 'P-256' : 'RSA-2048';
        const steadyLast = steadyPerSecond.get(`${alg}/${last}`);
        const steadyFirst = steadyPerSecond.get(`${alg}/1`);
        // Without enough cards per reader there is no window with every reader at work: no row, and why.
        if (steadyLast === undefined || steadyFirst === undefined)
          process.stderr.write(`${name}: no steady state to report (too few cards per reader for a window with every reader at work)\n`);
        else
          summaryRow({
            what: `Scaling 1 → ${last} readers, slow cards (${latencySpec}), ${name}, steady state`,
            scm: Number((steadyLast / steadyFirst).toFixed(2)),
            unit: '×',
            target: `≥ ${Math.round(last * 0.875)}×`,
            higherIsBetter: true,
          });
        summaryRow({
          what: `Scaling 1 → ${last} readers, slow cards (${latencySpec}), ${name}, first insertion to last card`,
          scm: Number((perSecond.get(`${alg}/${last}`)! / perSecond.get(`${alg}/1`)!).toFixed(2)),
          unit: '×',
          target: `≥ ${Math.round(last * 0.875)}×`,
          higherIsBetter: true,
        });
      }
    }
  } finally {
    farm.close();
    await s.close();
  }
  process.stdout.write(
    `\nIssuance scaling with readers (software cards with latency "${latencySpec}", two readers per workstation, ${s.urls.length === 1 ? 'the API' : `${s.urls.length} API replicas`} and the workers on this machine)\n${table(
      ['profile', 'readers', 'cards', 'wall s', 'cards/s', 'vs 1 reader', 'steady cards/s', 'steady vs 1', 'median s/card (worker)'],
      rows,
    )}\n\nCPU per card, ms (API: ${s.urls.length === 1 ? 'the API in this process' : 'every API replica'}; workers: the card workers and their reader hosts; cards: the software cards' processes; cores busy: all of it over the wall time, ${cpus().length} cores; API loop: how busy the event loop of the API in this process was)\n${table(
      ['profile', 'readers', 'API', 'workers', 'cards', 'pcscd', 'postgres', 'redis', 'total', 'cores busy', 'API loop'],
      cpuRows,
    )}\n`,
  );
}

runBench(main);
