import { Column, Entity, PrimaryColumn } from 'typeorm';

/** One period of a periodic job, taken by one API replica (the first to insert it runs it). */
@Entity('periodic_run')
export class PeriodicRunEntity {
  @PrimaryColumn('text') job!: string;
  @PrimaryColumn('timestamptz', { name: 'period_at' }) periodAt!: Date;
  @Column('text') replica!: string;
  @Column('timestamptz', { name: 'started_at' }) startedAt!: Date;
  @Column('timestamptz', { name: 'finished_at', nullable: true }) finishedAt!: Date | null;
  @Column('text', { nullable: true }) outcome!: 'done' | 'failed' | null;
}
