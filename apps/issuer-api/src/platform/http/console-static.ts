import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join, normalize, sep } from 'node:path';
import express, { type NextFunction, type Request, type Response } from 'express';

/** Paths the console never answers, in any case or with doubled slashes: the API and the other machine routes keep their own 404s. */
const NOT_CONSOLE = /^\/+(api|health|metrics|ca|crl)(\/|$)/i;
const NONCE_PLACEHOLDER = '__SCM_STYLE_NONCE__';

/**
 * The console's Content-Security-Policy: scripts, styles, fonts and images from this origin only;
 * the component library's <style> elements carry this response's nonce; no inline script, no
 * framing, no plugins, no third-party connections.
 */
export function consoleCsp(nonce: string): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    `style-src 'self' 'nonce-${nonce}'`,
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** Where the built console is: dist/console, seen from the compiled API (dist/apps/…) or its sources (apps/…). */
export function findConsoleDir(from = __dirname): string | undefined {
  const up = join(from, '..', '..', '..', '..', '..');
  return [join(up, 'console'), join(up, 'dist', 'console')].find((d) => existsSync(join(d, 'index.html')));
}

/**
 * Serves the console (a single-page app) at `/`: its hashed assets as static files, and its
 * index.html, with a fresh style nonce, for every other GET outside the API's paths (client-side
 * routes). Without a built console the API answers as before.
 */
export function consoleStatic(dir: string | undefined = findConsoleDir()) {
  if (!dir) return (_req: Request, _res: Response, next: NextFunction) => next();
  const index = readFileSync(join(dir, 'index.html'), 'utf8');
  const assets = express.static(join(dir, 'assets'), {
    index: false,
    fallthrough: false,
    immutable: true,
    maxAge: '365d',
    setHeaders: (res) => res.setHeader('Cache-Control', 'public, max-age=31536000, immutable'),
  });
  const root = normalize(dir) + sep;
  return (req: Request, res: Response, next: NextFunction): void => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || NOT_CONSOLE.test(req.path)) return next();
    if (req.path.startsWith('/assets/')) {
      req.url = req.url.slice('/assets'.length);
      return assets(req, res, (err?: unknown) => {
        // A missing asset is a plain 404, never the page (a stale tab must not run HTML as a script).
        if (err) res.status(404).type('text/plain').send('not found');
      });
    }
    if (req.path !== '/' && /\.[a-z0-9]+$/i.test(req.path)) {
      const file = normalize(join(dir, req.path));
      if (file.startsWith(root) && existsSync(file)) return res.sendFile(file);
      res.status(404).type('text/plain').send('not found');
      return;
    }
    const nonce = randomBytes(18).toString('base64');
    res.setHeader('Content-Security-Policy', consoleCsp(nonce));
    res.setHeader('Cache-Control', 'no-store');
    res.type('html').send(index.split(NONCE_PLACEHOLDER).join(nonce));
  };
}
