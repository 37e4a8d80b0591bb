import { JOB_QUEUE, type JobName, type QueueName } from './jobs';

/** Checks that every job of the given queues has exactly one handler; throws naming the gaps. */
export function checkJobHandlers(queues: readonly QueueName[], handlers: ReadonlyArray<{ job: JobName; owner: string }>): void {
  const problems: string[] = [];
  for (const [job, queue] of Object.entries(JOB_QUEUE) as Array<[JobName, QueueName]>) {
    if (!queues.includes(queue)) continue;
    const owners = handlers.filter((h) => h.job === job).map((h) => h.owner);
    if (owners.length === 0) problems.push(`job "${job}" (queue ${queue}) has no handler`);
    if (owners.length > 1) problems.push(`job "${job}" has ${owners.length} handlers: ${owners.join(', ')}`);
  }
  if (problems.length) throw new Error(`job handler registry: ${problems.join('; ')}`);
}
