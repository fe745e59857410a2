import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';
import { buildOutputPlugin } from './src/server/app-build.ts';

/** The lazy entries of the office workspace and the public ranking page (desktop, online). */
const OFFICE_ENTRIES = [
  /\/src\/app\/features\/office\/OfficeWorkspace\.tsx$/,
  /\/src\/app\/features\/public\/PublicRankingPage\.tsx$/,
];

/**
 * Finds the chunks that only the office and public pages reach — everything not reachable from
 * the app's entry without going through one of OFFICE_ENTRIES — so that the service worker does
 * not precache them: the inspector's phone never downloads the office workspace.
 */
function officeOnlyChunks(): { plugin: Plugin; files: Set<string> } {
  const files = new Set<string>();
  const plugin: Plugin = {
    name: 'civic-office-only-chunks',
    apply: 'build',
    generateBundle(_options, bundle) {
      const chunks = new Map(
        Object.values(bundle).flatMap((output) =>
          output.type === 'chunk' ? [[output.fileName, output] as const] : [],
        ),
      );
      const isOfficeEntry = (id: string | null) =>
        id !== null && OFFICE_ENTRIES.some((pattern) => pattern.test(id.replaceAll('\\', '/')));
      const reached = new Set<string>();
      const visit = (fileName: string) => {
        const chunk = chunks.get(fileName);
        if (!chunk || reached.has(fileName) || isOfficeEntry(chunk.facadeModuleId)) return;
        reached.add(fileName);
        for (const next of [...chunk.imports, ...chunk.dynamicImports]) visit(next);
      };
      for (const chunk of chunks.values()) if (chunk.isEntry) visit(chunk.fileName);
      files.clear();
      for (const fileName of chunks.keys()) if (!reached.has(fileName)) files.add(fileName);
    },
  };
  return { plugin, files };
}

const officeChunks = officeOnlyChunks();

/** The checklist's route chunk (App.tsx's InspectPage, lazy-screens.ts). */
const CHECKLIST_ENTRY = /\/src\/app\/features\/field\/inspect\/InspectPage\.tsx$/;

/**
 * A phone opened on a checklist (the app restarted there, offline) needs the checklist's chunks,
 * but the entry asks for them only once it has run — hundreds of milliseconds at 4× CPU. This
 * emits a tiny classic script, loaded from index.html before the entry (a file, not inline: the
 * CSP allows only 'self' scripts), that adds modulepreload links for the chunks the checklist
 * needs beyond the entry's own when the address is /inspect/…: they download and compile while
 * the entry runs (issue #16).
 */
function checklistPreload(): Plugin {
  return {
    name: 'civic-checklist-preload',
    apply: 'build',
    enforce: 'post',
    generateBundle(_options, bundle) {
      const chunks = new Map(
        Object.values(bundle).flatMap((output) =>
          output.type === 'chunk' ? [[output.fileName, output] as const] : [],
        ),
      );
      const closure = (start: string) => {
        const seen = new Set<string>();
        const visit = (fileName: string) => {
          if (seen.has(fileName)) return;
          seen.add(fileName);
          for (const next of chunks.get(fileName)?.imports ?? []) visit(next);
        };
        visit(start);
        return seen;
      };
      const entry = [...chunks.values()].find((chunk) => chunk.isEntry);
      const page = [...chunks.values()].find(
        (chunk) => chunk.facadeModuleId !== null && CHECKLIST_ENTRY.test(chunk.facadeModuleId.replaceAll('\\', '/')),
      );
      const html = bundle['index.html'];
      if (!entry || !page || html?.type !== 'asset' || typeof html.source !== 'string')
        throw new Error('civic-checklist-preload: no entry, checklist chunk or index.html in the bundle');
      const loaded = closure(entry.fileName);
      const files = [...closure(page.fileName)].filter((fileName) => !loaded.has(fileName)).map((f) => `/${f}`);
      const source =
        `if(location.pathname.indexOf('/inspect/')===0)${JSON.stringify(files)}.forEach(function(h){` +
        `var l=document.createElement('link');l.rel='modulepreload';l.crossOrigin='';l.href=h;document.head.appendChild(l)});\n`;
      const fileName = this.getFileName(this.emitFile({ type: 'asset', name: 'checklist-preload.js', source }));
      const tag = '<script type="module" crossorigin src="/assets/';
      if (!html.source.includes(tag)) throw new Error('civic-checklist-preload: the entry script tag moved');
      html.source = html.source.replace(tag, `<script src="/${fileName}"></script>\n    ${tag}`);
    },
  };
}

/** Theme red of the icons (scripts/make-icons.mjs) and of index.html's theme-color. */
const THEME_COLOR = '#b71c1c';

export default defineConfig({
  plugins: [
    react(),
    officeChunks.plugin,
    checklistPreload(),
    VitePWA({
      // Prompt from day one: autoUpdate reloads the page under the user (vite-plugin-pwa #433).
      registerType: 'prompt',
      // src/app/pwa/register-sw.ts registers /sw.js itself through workbox-window.
      injectRegister: false,
      strategies: 'generateSW',
      filename: 'sw.js',
      manifestFilename: 'manifest.webmanifest',
      // Manifest icons are added to the precache by the plugin; these are the other public files.
      includeAssets: ['favicon.svg', 'icons/apple-touch-icon-180.png'],
      manifest: {
        name: '新时代文明实践阵地测评',
        short_name: '实践测评',
        description: '新时代文明实践中心、所、站模拟测评与整改复查（离线可用）',
        lang: 'zh-CN',
        dir: 'ltr',
        display: 'standalone',
        orientation: 'portrait',
        start_url: '/',
        scope: '/',
        theme_color: THEME_COLOR,
        background_color: '#ffffff',
        icons: [
          { src: '/icons/icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
          { src: '/icons/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
          { src: '/icons/icon-maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        ],
      },
      workbox: {
        // Only the build output: the plugin adds manifest, icons and includeAssets itself, so a
        // wider glob would precache them twice.
        globPatterns: ['**/*.{js,css,html}'],
        // …minus the office workspace's chunks (see officeOnlyChunks above).
        manifestTransforms: [
          async (entries) => ({
            manifest: entries.filter((entry) => !officeChunks.files.has(entry.url)),
            warnings: [],
          }),
        ],
        navigateFallback: '/index.html',
        navigateFallbackDenylist: [/^\/api\//],
        cleanupOutdatedCaches: true,
        // No runtimeCaching: /api goes to the network and the app's own outbox (IndexedDB) is
        // the source of truth offline.
      },
      devOptions: { enabled: false },
    }),
    // Last: brotli/gzip copies of the output (sw.js included) and dist/.build-stamp, the hash of
    // the sources `npm start` compares to reuse this build (src/server/app-build.ts).
    buildOutputPlugin(),
  ],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
  },
});
