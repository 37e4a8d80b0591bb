import type { ScreenDef } from '../../app/screen';

export const screens: ScreenDef[] = [
  {
    path: 'readers',
    title: 'Readers',
    nav: 'Officer',
    roles: ['security-officer', 'help-desk', 'admin', 'auditor'],
    load: () => import('./ReadersScreen'),
  },
];
