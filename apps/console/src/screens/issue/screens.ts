import type { ScreenDef } from '../../app/screen';

export const screens: ScreenDef[] = [
  { path: 'issue', title: 'Issue cards', nav: 'Officer', roles: ['security-officer'], load: () => import('./IssueScreen') },
];
