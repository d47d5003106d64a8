import * as os from 'os';
import * as path from 'path';
import { Worker } from 'worker_threads';
import { todayUtc } from '../guardrails';
import type { ResolvedPlatform } from '../model';
import { appEnvironmentCount, resolvePlatform } from '../model';
import { CloudReply, CloudWorkerData, fingerprint } from './cloud-worker';
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
  /** Told when the worker failed and this thread rendered the Terraform instead (the result is the same). @default - nothing */
  readonly onWorkerFailure?: (error: Error) => void;
}

/**
 * Below this many app-environments one thread is as fast or faster: the
 * worker must load cdktf, the Google provider and the platform before it
 * renders anything, and on two cores the threads share the garbage
 * collector's time (each thread runs about 40% slower while the other
 * works). Measured on the 2-core development VM, run as `npm run synth`
 * runs (scripts/run.cjs, bundled worker), synthetic platforms on 3
 * environments, one thread against two: 200 apps 1.9-2.1 s against 1.9-2.1 s;
 * 300 apps 2.7-3.4 s against 2.4-2.6 s; 1,000 apps 8.0-8.5 s against 6.9-7.1 s.
 * Under tsx (tests), where the worker takes about 1.3 s to start, 200 apps
 * take 2.4 s against 3.0 s. Since the Kubernetes render got about 1 s faster
 * (KubeObject), the second thread gains less on this VM: the render alone,
 * medians of 5 alternating runs, 500 apps 3.71 s on one thread against 3.85 s
 * on two, 1,000 apps 6.15 s against 6.29 s; a 1,000-app re-synth (render and
 * write), 5 runs each, median 5.86 s on one thread against 5.47 s on two. One
 * Node thread already keeps about 1.45 cores busy (V8's garbage collector and
 * compiler work in the background), so two threads on two cores mostly slow
 * each other down. Kept at two threads: never slower here within the noise,
 * and faster on machines with more cores.
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
      (err: unknown) => {
        options.onWorkerFailure?.(err instanceof Error ? err : new Error(String(err)));
        return renderCloudHalf(resolved, today);
      },
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

/**
 * Started from a string, so that Node needs no loader to start it. Run from
 * TypeScript sources (tsx, jest), the worker registers tsx's require hook
 * (its documented API, `tsx/cjs/api`) before it loads ./cloud-worker and the
 * platform's module; from compiled JavaScript it needs none.
 */
const BOOT = `
const { workerData, parentPort } = require('worker_threads');
try {
  if (workerData.tsx) require(workerData.tsx).register();
  const [worker, declaring] = [workerData.entry, workerData.source.module].map((m) => require(m));
  worker.runCloudWorker(workerData, declaring);
} catch (err) {
  parentPort.postMessage({ error: String((err && err.stack) || err) });
}
`;

function startCloudWorker(source: PlatformSource, today: string): { result: Promise<CloudReply>; stop: () => Promise<void> } {
  const data: CloudWorkerData & { tsx?: string; entry: string } = {
    source,
    today,
    // The worker's own module (./cloud-worker), which loads only what the Terraform half needs.
    entry: path.join(__dirname, `cloud-worker${path.extname(__filename)}`),
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
