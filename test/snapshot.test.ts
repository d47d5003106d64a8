import { devEnv, platform, prodEnv, publicService, render, worker } from './fixtures';

/**
 * One whole-output snapshot per environment of a small fixture platform: it
 * says *that* the engine's output changed, anywhere (the properties that
 * matter have their own assertions). After an intended change to the engine's
 * output: `npx projen test:update`, and review the snapshot diff. The user's
 * own platform has no snapshot here: its golden copy is the committed dist/,
 * checked by `npm run check` (drift).
 */
// GIVEN a public app that reads a secret and a worker, in dev and prod
const apps = [publicService('web-frontend', 'www', { secrets: [{ name: 'session-key', envVar: 'SESSION_KEY' }] }), worker('queue-worker')];
const { files } = render(platform({ apps, environments: [devEnv(apps), prodEnv(apps)] }));

describe.each(['dev', 'prod'])('the %s environment of a small platform', (env) => {
  test('renders as before, Kubernetes and Terraform', () => {
    const mine = Object.fromEntries([...files].filter(([file]) => file.startsWith(`${env}/`)));
    expect(Object.keys(mine)).toContain(`${env}/terraform/cdk.tf.json`);
    expect(mine).toMatchSnapshot();
  });
});
