import type { ScreenDef } from '../../app/screen';

export const screens: ScreenDef[] = [
  { path: 'reports', title: 'Reports', nav: 'Auditor', roles: ['auditor'], load: () => import('./ReportsScreen') },
  { path: 'audit-chain', title: 'Audit chain', nav: 'Auditor', roles: ['auditor', 'admin'], load: () => import('./AuditChainScreen') },
];
