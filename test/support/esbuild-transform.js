// Jest transform: TypeScript to CommonJS with esbuild (transpile only; `tsc
// --noEmit` type-checks the whole tree once before jest runs). Chosen over
// ts-jest for speed and over swc because esbuild's platform packages are all
// served by the npm registry, which `npm ci` needs.
const { transformSync } = require('esbuild');

module.exports = {
  process(source, filename) {
    const result = transformSync(source, {
      loader: filename.endsWith('.tsx') ? 'tsx' : 'ts',
      format: 'cjs',
      target: 'node20',
      sourcemap: 'inline',
      sourcefile: filename,
    });
    return { code: result.code };
  },
  getCacheKey(source, filename, options) {
    return require('crypto').createHash('sha256')
      .update(source).update('\0').update(filename).update('\0').update(options.configString)
      .update('\0').update(require('esbuild/package.json').version)
      .digest('hex');
  },
};
