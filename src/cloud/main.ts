/**
 * `npx cdktf synth` (see cdktf.json): one Terraform stack per environment,
 * named after it, in cdktf's output directory. Only wires; `npm run synth`
 * renders the same stacks into dist/<env>/terraform/ for review.
 */
import * as path from 'path';
import { runCloudSynth } from '../cli/cloud-synth';
import { loadPlatformOrReport } from '../cli/load-platform';

const loaded = loadPlatformOrReport(path.join(__dirname, '..', 'platform.ts'), { then: 'Nothing was written.' });
if (loaded) process.exitCode = runCloudSynth({ platform: loaded.platform });
