// Removes compiled files in dist/ whose TypeScript source is gone (a moved or deleted file), so
// `npm run test:unit`, which runs every dist/**/*.test.js, never runs a test that no longer exists.
// tsc -b only writes outputs; it never deletes the ones a rename left behind.
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';

const DIST = 'dist';
const OUTPUT = /\.(js|d\.ts)(\.map)?$/;

function walk(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) walk(path);
    else if (OUTPUT.test(entry.name)) {
      const source = relative(DIST, path).replace(OUTPUT, '.ts');
      if (!existsSync(source)) rmSync(path);
    }
  }
}

if (existsSync(DIST)) walk(DIST);
