import { Column, Entity, PrimaryColumn } from 'typeorm';

export interface ReaderReport {
  name: string;
  cardPresent: boolean;
  atr: string | null;
}

/** Last heartbeat of the card worker serving a workstation (one pcscd). */
@Entity('workstation')
export class WorkstationEntity {
  @PrimaryColumn({ type: 'int' })
  id!: number;

  @Column({ type: 'text', name: 'host' })
  host!: string;

  @Column({ type: 'jsonb', name: 'readers' })
  readers!: ReaderReport[];

  @Column({ type: 'timestamptz', name: 'last_seen' })
  lastSeen!: Date;
}
