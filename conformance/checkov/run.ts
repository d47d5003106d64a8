/** `npm run checkov`: checkov over every environment of dist/, against conformance/checkov/baseline.yaml. Only wires. */
import * as path from 'path';
import { runCli } from './cli';

runCli({ root: path.resolve(__dirname, '..', '..'), argv: process.argv.slice(2) }).then(
  (code) => { process.exitCode = code; },
  (err: unknown) => {
    console.error(err);
    process.exitCode = 2;
  },
);
