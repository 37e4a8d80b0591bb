import type { ComponentType } from 'react';
import type { Role } from '../session/session';

/**
 * One screen of the console. Each screen lives in its own folder under src/screens/ and declares
 * its entries in that folder's `screens.ts`; src/app/registry.ts lists the folders. The shell builds
 * the routes and the navigation from the registry, showing a user only the screens of their roles.
 */
export interface ScreenDef {
  /** Route path, relative to `/` (e.g. 'cardholders', 'requests/:id'). */
  path: string;
  /** Navigation label and page title. */
  title: string;
  /** Who may open it (any of these roles). The API still decides every action. */
  roles: readonly Role[];
  /** Navigation group; screens without one (detail pages) are reached by links only. */
  nav?: string;
  /** The screen's component, loaded when first opened (its own chunk). */
  load: () => Promise<{ default: ComponentType }>;
}
