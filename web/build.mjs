// build.mjs bundles the page into dist/ with esbuild: dist/index.html and
// dist/static/{app.js,style.css,app.js.LEGAL.txt}, and the GraphiQL page:
// dist/graphiql.html and dist/static/graphiql.{js,css,js.LEGAL.txt} (React
// and GraphiQL from the locked packages, so /graphiql needs no CDN). The output depends only on
// src/ and the locked packages (no timestamps, no hashes of the machine), so
// two builds of one commit give the same bytes. dist/.keep stays, so that
// go:embed in web.go compiles before the first build.
import * as esbuild from 'esbuild';
import { copyFile, mkdir, readdir, rm } from 'node:fs/promises';

const out = 'dist';
await mkdir(out, { recursive: true });
for (const f of await readdir(out)) {
  if (f !== '.keep') await rm(`${out}/${f}`, { recursive: true, force: true });
}
await mkdir(`${out}/static`, { recursive: true });
await esbuild.build({
  entryPoints: ['src/main.js'],
  bundle: true,
  minify: true,
  format: 'iife',
  target: ['es2020'],
  charset: 'utf8',
  legalComments: 'linked',
  outfile: `${out}/static/app.js`,
  logLevel: 'warning',
});
await esbuild.build({
  entryPoints: { graphiql: 'src/graphiql.js' },
  bundle: true,
  minify: true,
  format: 'iife',
  target: ['es2020'],
  charset: 'utf8',
  legalComments: 'linked',
  define: { 'process.env.NODE_ENV': '"production"' },
  outdir: `${out}/static`,
  logLevel: 'warning',
});
await copyFile('src/index.html', `${out}/index.html`);
await copyFile('src/style.css', `${out}/static/style.css`);
await copyFile('src/graphiql.html', `${out}/graphiql.html`);
console.log('built web/dist');
