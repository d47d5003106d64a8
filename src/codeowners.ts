/** `npm run codeowners`: writes .github/CODEOWNERS from the model. Only wires. */
import * as fs from 'fs';
import * as path from 'path';
import { loadPlatformOrReport } from './cli/load-platform';
import { appSourcesIn, renderCodeOwners } from './delivery/codeowners';
import { PlatformSpec, PlatformValidationError, resolvePlatform } from './model';

const root = path.resolve(__dirname, '..');

function writeCodeOwners(platform: PlatformSpec): void {
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
}

const loaded = loadPlatformOrReport(path.join(__dirname, 'platform.ts'), { then: 'Nothing was written.' });
if (loaded) writeCodeOwners(loaded.platform);
