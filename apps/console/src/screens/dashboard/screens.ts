import type { ScreenDef } from '../../app/screen';

export const screens: ScreenDef[] = [
  { path: 'dashboard', title: 'Dashboard', nav: 'Officer', roles: ['security-officer'], load: () => import('./DashboardScreen') },
];
