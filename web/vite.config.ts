/**
 * The static web app (DESIGN §1: S3 behind CloudFront, `/api/*` on the same origin). Build from the repo root with
 * `npm run build:web`. The output is plain files with no inline script or style, so the strict CSP
 * (`default-src 'self'`) needs no exception.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const webDir = path.dirname(fileURLToPath(import.meta.url));

export default defineConfig({
  root: webDir,
  base: './',
  publicDir: path.resolve(webDir, 'public'),
  build: {
    outDir: path.resolve(webDir, 'dist'),
    emptyOutDir: true,
    target: 'es2022',
    // Never inline assets as data: URLs: `default-src 'self'` would refuse them.
    assetsInlineLimit: 0,
    sourcemap: false,
  },
  server: {
    host: '127.0.0.1',
    // The local stack (`npm start`) answers /api on 8787.
    proxy: { '/api': 'http://127.0.0.1:8787' },
    // The page imports the shared domain rules from functions/core (and nothing else outside web/).
    fs: { strict: true, allow: [webDir, path.resolve(webDir, '../functions/core')] },
  },
});
