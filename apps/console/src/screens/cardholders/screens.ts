import type { ScreenDef } from '../../app/screen';

export const screens: ScreenDef[] = [
  { path: 'cardholders', title: 'Cardholders', nav: 'Officer', roles: ['security-officer'], load: () => import('./CardholdersScreen') },
];
