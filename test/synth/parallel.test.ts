import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { syntheticPlatform } from '../../bench/synthetic';
import { GuardrailError } from '../../src/guardrails';
import { extensions, platform } from '../../src/platform';
import { renderPlatform, renderPlatformInParallel, synthesizeInParallel, readTree, synthesize } from '../../src/synth';

const SYNTHETIC = { module: path.resolve(__dirname, '../../bench/synthetic.ts'), export: 'syntheticPlatform' };
const EXAMPLE = { module: path.resolve(__dirname, '../../src/platform.ts') };

describe('rendering on two threads', () => {
  test('gives the same files, in the same order, and the same guardrail report as one thread', async () => {
    const spec = syntheticPlatform(6);
    const serial = renderPlatform({ platform: spec, today: '2026-11-22' });
    const parallel = await renderPlatformInParallel({ platform: spec, today: '2026-11-22' }, { source: { ...SYNTHETIC, args: [6] }, threads: 2 });
    expect([...parallel.files.keys()]).toEqual([...serial.files.keys()]);
    expect(parallel.files).toEqual(serial.files);
    expect(parallel.guardrails).toEqual(serial.guardrails);
    expect(parallel.stacks).toEqual(serial.stacks);
    expect(parallel.files.size).toBeGreaterThan(100);
  });

  test('the example synthesizes the same dist/ on two threads as on one', async () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'parallel-'));
    try {
      synthesize({ platform, extensions, outDir: path.join(tmp, 'one') });
      await synthesizeInParallel({ platform, extensions, outDir: path.join(tmp, 'two') }, { source: EXAMPLE, threads: 2 });
      expect(readTree(path.join(tmp, 'two'))).toEqual(readTree(path.join(tmp, 'one')));
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });

  test('refuses a platform module that declares something else than the platform being rendered', async () => {
    await expect(renderPlatformInParallel({ platform, extensions }, { source: { ...SYNTHETIC, args: [3] }, threads: 2 }))
      .rejects.toThrow(/rendered a different platform from .*synthetic\.ts.*must declare the same platform every time/);
  });

  test('a worker that cannot load the platform changes nothing: this thread renders the Terraform instead', async () => {
    const spec = syntheticPlatform(3);
    const serial = renderPlatform({ platform: spec, today: '2026-11-22' });
    const failures: string[] = [];
    const parallel = await renderPlatformInParallel(
      { platform: spec, today: '2026-11-22' },
      { source: { module: '/nonexistent/platform.ts' }, threads: 2, onWorkerFailure: (e) => failures.push(e.message) },
    );
    expect(parallel.files).toEqual(serial.files);
    // Said, not hidden: the caller (the CLI) prints a note.
    expect(failures).toEqual([expect.stringContaining('/nonexistent/platform.ts')]);
  });

  test('a guardrail error found on two threads is reported as on one', async () => {
    const privileged = {
      'orders-api': (scope: Construct) => {
        new ApiObject(scope, 'debug', {
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: { name: 'debug' },
          spec: { containers: [{ name: 'debug', image: 'busybox@sha256:' + 'a'.repeat(64), securityContext: { privileged: true } }] },
        });
      },
    };
    let serialError: GuardrailError | undefined;
    try {
      renderPlatform({ platform, extensions: privileged });
    } catch (err) {
      serialError = err as GuardrailError;
    }
    expect(serialError).toBeInstanceOf(GuardrailError);
    const parallel = renderPlatformInParallel({ platform, extensions: privileged }, { source: EXAMPLE, threads: 2 });
    await expect(parallel).rejects.toBeInstanceOf(GuardrailError);
    await expect(parallel).rejects.toMatchObject({ report: serialError!.report });
  });
});
