/** `npm run codeowners`: writes .github/CODEOWNERS from the model. Only wires; see src/cli/codeowners.ts. */
import * as path from 'path';
import { runCodeOwners } from './cli/codeowners';
import { platform } from './platform';

process.exitCode = runCodeOwners({ platform, root: path.resolve(__dirname, '..') });
