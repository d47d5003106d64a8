/**
 * `npx cdktf synth` (see cdktf.json): one Terraform stack per environment,
 * named after it, in cdktf's output directory. Only wires; `npm run synth`
 * renders the same stacks into dist/<env>/terraform/ for review.
 */
import { runCloudSynth } from '../cli/cloud-synth';
import { platform } from '../platform';

process.exitCode = runCloudSynth({ platform });
