// The platform guardrails as a cdk8s CLI validation plugin (declared in
// cdk8s.yaml). The CLI loads plugins with plain `require`, so this registers
// tsx's TypeScript loader and hands over to src/guardrails/cdk8s-plugin.ts.
require('tsx/cjs');
const { PlatformGuardrailsValidation } = require('../../src/guardrails/cdk8s-plugin.ts');
const { platform } = require('../../src/platform.ts');

class PlatformGuardrails extends PlatformGuardrailsValidation {
  constructor(properties = {}) {
    super({ platform, outdir: properties.outdir ?? 'cdk8s.out' });
  }
}

module.exports = { PlatformGuardrails };
