import type { ScreenDef } from '../../app/screen';

export const screens: ScreenDef[] = [
  {
    path: 'archive',
    title: 'Archive volumes',
    nav: 'Officer',
    roles: ['security-officer', 'auditor'],
    load: () => import('./ArchiveScreen'),
  },
];
