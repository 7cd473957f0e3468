/**
 * Which source a piece of the bundled CLI (dist/bin/, written by scripts/bundle.mjs) came from,
 * for bench/run.mjs: which packages a command loads (by bundle file) and where a CPU profile's
 * samples went (by bundle file, line and column).
 *
 * Three ways to answer, best first, chosen per bundle file:
 * - a source map next to the file (`X.js.map`, if the bundle is built with `sourcemap`): exact,
 *   also for minified output (node:module's SourceMap);
 * - esbuild's section comments: non-minified output starts each source's code with a line
 *   `// node_modules/pkg/...` or `// src/...`; lines before the first one are esbuild's runtime
 *   helpers (__commonJS, __toESM...);
 * - otherwise (minified, no map) the metafile alone: a file whose sources all belong to one
 *   package is that package's; anything else is reported as unattributed.
 * The metafile (dist/bin/meta.json: outputs[file].inputs) says which sources each file holds; a
 * file in dist/bin/ the metafile does not list (e.g. one made by a second esbuild build) is read
 * by its section comments alone.
 */
import { existsSync, readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';

/** Lines before a file's first section comment: esbuild's own helpers. */
export const ESBUILD_RUNTIME = '(esbuild runtime)';
export const UNATTRIBUTED = '(minified bundle code, no source map)';

/** The source a line like `// node_modules/pkg/x.js` or `// src/cli/main.ts` names (esbuild's section comment). */
function sectionName(text) {
  return /^\/\/ ((?:node_modules|src)\/\S+)\s*$/.exec(text)?.[1];
}

/** The package of a source path (the innermost `node_modules/`), 'certkit' for certkit's own, else undefined. */
export function packageOf(source) {
  const m = /.*node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(source);
  if (m) return m[1];
  if (source.startsWith('src/') || (source.startsWith('dist/') && !source.startsWith('dist/bin/')) || source.startsWith('bin/')) return 'certkit';
  return undefined;
}

/**
 * Loads dist/bin/meta.json under `root`. Returns:
 * - `isBundleFile(path)`: whether a repository-relative path is one of the bundle's files;
 * - `sourcesOf(path)`: the sources in that file (repository-relative), per the metafile;
 * - `sourceAt(path, line, column)`: the source at a 0-based position of a bundle file;
 * - `methods()`: how each file consulted so far was mapped ({ file: 'source map' | 'section comments' | 'metafile only' }).
 */
export function loadBundleMap(root) {
  const meta = JSON.parse(readFileSync(join(root, 'dist/bin/meta.json'), 'utf8'));
  const perFile = new Map();
  const methods = {};

  function mapperFor(file) {
    let m = perFile.get(file);
    if (m !== undefined) return m;
    const abs = join(root, file);
    const inputs = sourcesOf(file);
    const listed = meta.outputs[file] !== undefined;
    if (existsSync(`${abs}.map`)) {
      const map = new SourceMap(JSON.parse(readFileSync(`${abs}.map`, 'utf8')));
      const base = dirname(abs);
      m = (line, column) => {
        const e = map.findEntry(line, column);
        if (e === undefined || e.originalSource === undefined) return ESBUILD_RUNTIME;
        const src = e.originalSource.startsWith('file://') ? new URL(e.originalSource).pathname : resolve(base, e.originalSource);
        return relative(root, src);
      };
      methods[file] = 'source map';
    } else {
      // Section starts: [line, source], ascending. A comment counts only if it names one of the
      // file's inputs (so a comment inside some package's own code cannot be taken for one).
      const known = new Set(inputs);
      const starts = [];
      readFileSync(abs, 'utf8')
        .split('\n')
        .forEach((text, i) => {
          const named = text.startsWith('// ') ? text.slice(3).trim() : undefined;
          const name = listed ? (known.has(named) ? named : undefined) : sectionName(text);
          if (name !== undefined) starts.push([i, name]);
        });
      if (inputs.length === 0) {
        // No sources: a re-export stub for a lazy import, or the chunk of esbuild's helpers.
        m = () => ESBUILD_RUNTIME;
        methods[file] = 'esbuild code only';
      } else if (starts.length > 0) {
        m = (line) => {
          let lo = 0;
          let hi = starts.length - 1;
          if (line < starts[0][0]) return ESBUILD_RUNTIME;
          while (lo < hi) {
            const mid = (lo + hi + 1) >> 1;
            if (starts[mid][0] <= line) lo = mid;
            else hi = mid - 1;
          }
          return starts[lo][1];
        };
        methods[file] = 'section comments';
      } else {
        const pkgs = new Set(inputs.map((s) => packageOf(s) ?? s));
        const only = pkgs.size === 1 ? inputs[0] : UNATTRIBUTED;
        m = () => only;
        methods[file] = 'metafile only';
      }
    }
    perFile.set(file, m);
    return m;
  }

  /** A bundle file: listed in the metafile, or a script esbuild wrote into dist/bin/ by another build. */
  function isBundleFile(file) {
    if (meta.outputs[file] !== undefined) return true;
    return /^dist\/bin\/[^/]+\.(c|m)?js$/.test(file) && existsSync(join(root, file));
  }

  function sourcesOf(file) {
    if (meta.outputs[file] !== undefined) return Object.keys(meta.outputs[file].inputs);
    if (!isBundleFile(file)) return [];
    const names = readFileSync(join(root, file), 'utf8').split('\n').map(sectionName).filter((n) => n !== undefined);
    return [...new Set(names)];
  }

  return {
    isBundleFile,
    sourcesOf,
    sourceAt: (file, line, column) => (isBundleFile(file) ? mapperFor(file)(line, column) : undefined),
    methods: () => ({ ...methods }),
  };
}
