/** `npm run codeowners`: writes .github/CODEOWNERS from the model. Only wires. */
import * as fs from 'fs';
import * as path from 'path';
import { appSourcesIn, renderCodeOwners } from './delivery/codeowners';
import { PlatformValidationError, resolvePlatform } from './model';
import { platform } from './platform';

const root = path.resolve(__dirname, '..');
try {
  const content = renderCodeOwners(resolvePlatform(platform), { appSource: appSourcesIn(root) });
  const file = path.join(root, '.github', 'CODEOWNERS');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(`${file}.tmp`, content);
  fs.renameSync(`${file}.tmp`, file);
  console.log(`Wrote ${path.relative(process.cwd(), file)}`);
} catch (err) {
  if (!(err instanceof PlatformValidationError)) throw err;
  console.error(err.message);
  process.exitCode = 1;
}
