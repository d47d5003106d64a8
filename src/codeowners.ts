/** `npm run codeowners`: writes .github/CODEOWNERS from the model. Only wires; see src/cli/codeowners.ts. */
import './cli/hold-repository'; // first: locks the repository before the platform's modules read it
import * as path from 'path';
import { runCodeOwners } from './cli/codeowners';
import { platform } from './platform';

process.exitCode = runCodeOwners({ platform, root: path.resolve(__dirname, '..') });
