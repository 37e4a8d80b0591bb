import { defineConfig } from 'vite';

/*
 * The console: a single-page app the issuer API serves at `/` (dist/console).
 * `npm run console:dev` runs Vite's dev server with /api proxied to a running API
 * (SCM_API_URL, default http://127.0.0.1:7400); edits reload the page.
 */
const api = process.env.SCM_API_URL ?? 'http://127.0.0.1:7400';

export default defineConfig({
  root: import.meta.dirname,
  base: '/',
  oxc: { jsx: { runtime: 'automatic' } },
  build: {
    outDir: '../../dist/console',
    emptyOutDir: true,
    sourcemap: false,
    // Nothing inline: a strict CSP allows scripts from this origin only.
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 600,
    rolldownOptions: {
      // Mantine marks its modules "use client" (for server components); a browser bundle ignores it.
      onLog(level, log, handler) {
        if (log.code === 'MODULE_LEVEL_DIRECTIVE') return;
        handler(level, log);
      },
    },
  },
  server: {
    port: Number(process.env.SCM_CONSOLE_DEV_PORT ?? 5173),
    strictPort: true,
    proxy: { '/api': { target: api, changeOrigin: false } },
  },
});
