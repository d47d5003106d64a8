import { extensions, platform } from '../src/platform';
import { renderPlatform } from '../src/synth';

/**
 * One whole-output snapshot per environment: catches any change to what
 * Argo CD would apply. Properties that matter have their own assertions in
 * test/k8s; this only says *that* something changed. After an intended
 * change: `npx projen test:update`, and review the snapshot diff.
 */
const { files } = renderPlatform({ platform, extensions });

describe.each(['dev', 'staging', 'prod'])('the %s environment', (env) => {
  test('renders as before', () => {
    // The Terraform has its own snapshot in test/cloud.
    const mine = Object.fromEntries([...files].filter(([file]) => file.startsWith(`${env}/`) && !file.includes('/terraform/')));
    expect(Object.keys(mine).length).toBeGreaterThan(40);
    expect(mine).toMatchSnapshot();
  });
});
