/**
 * The worker thread's side of {@link renderPlatformInParallel}: resolves the
 * platform from its declaring module, renders and checks the Terraform
 * stacks, and replies. A module of its own, so that the worker's bundle
 * holds the model, the cloud renderer and the guardrail engine, and not
 * cdk8s, cdk8s-plus-27, yaml or the Kubernetes renderer (about 0.2 s of
 * start-up on the 2-core VM, and their memory).
 */
import { createHash } from 'crypto';
import { parentPort } from 'worker_threads';
import type { PlatformSpec, ResolvedPlatform } from '../model';
import { resolvePlatform } from '../model';
import { CloudHalf, renderCloudHalf } from './cloud-half';
// A type only: the worker's bundle does not load ./parallel.
import type { PlatformSource } from './parallel';

export interface CloudWorkerData {
  readonly source: PlatformSource;
  readonly today: string;
}

/** What the worker replies. */
export interface CloudReply {
  /** Of the platform it resolved, to prove it is the main thread's. */
  readonly fingerprint: string;
  readonly half: CloudHalf;
}

/** A stable digest of a resolved platform. */
export function fingerprint(resolved: ResolvedPlatform): string {
  return createHash('sha256').update(JSON.stringify(resolved)).digest('hex');
}

/** The worker's side, given the declaring module's exports: resolve the platform, render and check the Terraform stacks, reply. */
export function runCloudWorker(data: CloudWorkerData, declaring: Record<string, unknown>): void {
  try {
    const declared = declaring[data.source.export ?? 'platform'];
    const spec = (typeof declared === 'function' ? declared(...(data.source.args ?? [])) : declared) as PlatformSpec;
    const resolved = resolvePlatform(spec);
    const reply: CloudReply = { fingerprint: fingerprint(resolved), half: renderCloudHalf(resolved, data.today) };
    parentPort!.postMessage({ reply });
  } catch (err) {
    parentPort!.postMessage({ error: String((err as Error)?.stack ?? err) });
  }
}
