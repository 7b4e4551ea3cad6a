// Plain JS on purpose: the root eslint config type-checks every *.ts against the server-side program,
// which a Vite config is no part of.
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  plugins: [react()],
  // absolute asset URLs: the API process serves index.html for deep links such as /records/<id>,
  // where relative ones would resolve under /records/
  base: '/',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // the strict CSP allows no inline script or style: never inline assets as data: URLs either
    assetsInlineLimit: 0,
    // the runtime serves the console to browsers that speak ES modules natively; no polyfill chunk
    modulePreload: { polyfill: false },
  },
});
