import { createHash } from 'crypto';
import * as os from 'os';
import { Worker, workerData, parentPort } from 'worker_threads';
import { todayUtc } from '../guardrails';
import type { PlatformSpec, ResolvedPlatform } from '../model';
import { appEnvironmentCount, resolvePlatform } from '../model';
import {
  RenderInput, RenderedPlatform, SynthOptions, SynthesizedPlatform, CloudHalf,
  assemble, renderCloudHalf, renderKubernetesHalf, renderResolved, withRepositoryFiles, writeRendered,
} from './synthesize';

/**
 * Where a worker thread finds the platform. Declarations hold class
 * instances (tiers, probes, workloads) that do not survive the copy between
 * threads, so a worker loads the declaring module itself, as the main
 * thread did.
 */
export interface PlatformSource {
  /** Absolute path of the module that declares the platform (`src/platform.ts`). */
  readonly module: string;
  /** Its export: a `PlatformSpec`, or a function that returns one given `args`. @default 'platform' */
  readonly export?: string;
  /** Arguments for a function export (JSON values). @default [] */
  readonly args?: readonly unknown[];
}

export interface ParallelOptions {
  /** The module that declares `input.platform`, for the worker thread. */
  readonly source: PlatformSource;
  /**
   * `auto`: a second thread when the platform is large enough to repay its
   * start-up ({@link PARALLEL_MIN_APP_ENVIRONMENTS}) and the machine has a
   * second core; `1`: this thread only; `2`: always a second thread.
   * @default 'auto'
   */
  readonly threads?: 'auto' | 1 | 2;
}

/**
 * Below this many app-environments one thread is faster: the worker must
 * load cdktf, the Google provider and the platform (about 1.3 s under tsx)
 * before it renders anything, and on two cores the threads share the
 * garbage collector's time. Measured on the 2-core development VM
 * (synthetic platforms on 3 environments, one thread against two): 100 apps
 * 1.5 s against 2.1 s; 250 apps 2.9 s against 2.6 s; 1,000 apps 8.9 s
 * against 7.4 s.
 */
export const PARALLEL_MIN_APP_ENVIRONMENTS = 600;

/**
 * {@link renderPlatform} on two threads: this one renders and checks the
 * Kubernetes objects while a worker renders and checks the Terraform
 * stacks, which need nothing of them. The result is the same, byte for
 * byte and in the same order, as a single-threaded render; a failure in the
 * worker is re-run here so that its error is exactly the one a
 * single-threaded render throws.
 */
export async function renderPlatformInParallel(input: RenderInput, options?: ParallelOptions): Promise<RenderedPlatform> {
  const resolved = resolvePlatform(input.platform);
  if (!options || !useWorker(resolved, options.threads ?? 'auto')) return renderResolved(resolved, input);
  const today = input.today ?? todayUtc();
  const worker = startCloudWorker(options.source, today);
  try {
    const kubernetes = renderKubernetesHalf(resolved, { ...input, today });
    const cloud: Promise<CloudHalf> = worker.result.then(
      (reply) => {
        if (reply.fingerprint !== fingerprint(resolved)) {
          throw new Error(`The worker thread rendered a different platform from ${options.source.module} than this thread was given: `
            + 'the platform module must declare the same platform every time it is loaded (no clocks, random values or environment variables)');
        }
        return reply.half;
      },
      // Whatever failed there fails the same way here, with the error a single-threaded render reports.
      () => renderCloudHalf(resolved, today),
    );
    return assemble(resolved, kubernetes, await cloud);
  } finally {
    await worker.stop();
  }
}

/** {@link renderEnvironmentRepo}, on two threads when `parallel` says so. */
export async function renderEnvironmentRepoInParallel(options: SynthOptions, parallel?: ParallelOptions): Promise<RenderedPlatform> {
  return withRepositoryFiles(options, await renderPlatformInParallel(options, parallel));
}

/** {@link synthesize}, on two threads when `parallel` says so: renders everything, then writes `outDir` atomically. */
export async function synthesizeInParallel(options: SynthOptions, parallel?: ParallelOptions): Promise<SynthesizedPlatform> {
  return writeRendered(options, await renderEnvironmentRepoInParallel(options, parallel));
}

function useWorker(resolved: ResolvedPlatform, threads: 'auto' | 1 | 2): boolean {
  if (threads !== 'auto') return threads === 2;
  return appEnvironmentCount(resolved) >= PARALLEL_MIN_APP_ENVIRONMENTS && os.availableParallelism() >= 2;
}

/** What the worker replies. */
interface CloudReply {
  /** Of the platform it resolved, to prove it is the main thread's. */
  readonly fingerprint: string;
  readonly half: CloudHalf;
}

interface CloudWorkerData {
  readonly role: 'platform-cloud-half';
  readonly source: PlatformSource;
  readonly today: string;
}

/**
 * Started from a string, so that Node needs no loader to start it; under
 * tsx (the source tree, not a build) it registers tsx's require hook before
 * it loads this module.
 */
const BOOT = `
const { workerData } = require('worker_threads');
if (workerData.tsx) require(workerData.tsx).register();
require(workerData.entry);
`;

function startCloudWorker(source: PlatformSource, today: string): { result: Promise<CloudReply>; stop: () => Promise<void> } {
  const data: CloudWorkerData & { tsx?: string; entry: string } = {
    role: 'platform-cloud-half',
    source,
    today,
    entry: __filename,
    tsx: __filename.endsWith('.ts') ? require.resolve('tsx/cjs/api') : undefined,
  };
  const worker = new Worker(BOOT, { eval: true, execArgv: [], workerData: data, stdout: false, stderr: false });
  const result = new Promise<CloudReply>((resolve, reject) => {
    worker.once('message', (m: { reply?: CloudReply; error?: string }) => (m.reply ? resolve(m.reply) : reject(new Error(m.error))));
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the worker thread exited with code ${code} before it replied`)));
  });
  result.catch(() => undefined); // handled by the caller; never an unhandled rejection if it is not awaited
  return { result, stop: async () => void (await worker.terminate()) };
}

/** A stable digest of a resolved platform. */
function fingerprint(resolved: ResolvedPlatform): string {
  return createHash('sha256').update(JSON.stringify(resolved)).digest('hex');
}

/** The worker's side: load the platform, resolve it, render and check the Terraform stacks, reply. */
function runCloudWorker(data: CloudWorkerData): void {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the declaring module is named at run time, as the main thread loaded it
    const exports = require(data.source.module) as Record<string, unknown>;
    const declared = exports[data.source.export ?? 'platform'];
    const spec = (typeof declared === 'function' ? declared(...(data.source.args ?? [])) : declared) as PlatformSpec;
    const resolved = resolvePlatform(spec);
    const reply: CloudReply = { fingerprint: fingerprint(resolved), half: renderCloudHalf(resolved, data.today) };
    parentPort!.postMessage({ reply });
  } catch (err) {
    parentPort!.postMessage({ error: String((err as Error)?.stack ?? err) });
  }
}

if (parentPort && (workerData as CloudWorkerData | undefined)?.role === 'platform-cloud-half') {
  runCloudWorker(workerData as CloudWorkerData);
}
