/** `npm run codeowners`: writes .github/CODEOWNERS from the model. Only wires; see src/cli/codeowners.ts. */
import './cli/hold-repository'; // first: locks the repository before the platform's modules read it
import * as path from 'path';
import { runCodeOwners } from './cli/codeowners';
import { loadPlatformOrReport } from './cli/load-platform';

const loaded = loadPlatformOrReport(path.join(__dirname, 'platform.ts'), { then: 'Nothing was written.' });
if (loaded) process.exitCode = runCodeOwners({ ...loaded, root: path.resolve(__dirname, '..') });
