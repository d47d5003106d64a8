/**
 * Measures the schema guardrail on the example platform, in a fresh process:
 *
 *   npx tsx bench/schema-validation.ts
 *
 * 1. one environment from cold: load the schema files, compile what its
 *    kinds need, validate its objects (what the first synth of a run pays);
 * 2. every environment, once the first is done;
 * 3. steady state, per object.
 *
 * Prints wall-clock and CPU time: on a shared machine CPU time is the steadier number.
 */
import { SchemaValidator, formatViolation } from '../src/guardrails/schema';
import { extensions, platform } from '../src/platform';
import { renderPlatform } from '../src/synth';

function clock(): () => string {
  const wall = performance.now();
  const cpu = process.cpuUsage();
  return () => {
    const used = process.cpuUsage(cpu);
    return `${(performance.now() - wall).toFixed(0)} ms wall, ${((used.user + used.system) / 1000).toFixed(0)} ms CPU`;
  };
}

const objects = renderPlatform({ platform, extensions }).objects;
const first = objects[0].environment;
const envObjects = objects.filter((o) => o.environment === first);
const kinds = (list: typeof objects) => new Set(list.map((o) => `${o.manifest.apiVersion}/${o.manifest.kind}`)).size;
const problems: string[] = [];
const check = (list: typeof objects) => {
  for (const o of list) for (const v of validator.validate(o.manifest)) problems.push(`${o.environment}/${o.file}: ${formatViolation(v)}`);
};

let done = clock();
const validator = new SchemaValidator();
for (const o of envObjects) validator.prepare(o.manifest.apiVersion, o.manifest.kind);
const compiled = done();
check(envObjects);
console.log(`${first}, from cold: ${envObjects.length} objects of ${kinds(envObjects)} kinds: ${done()} (of which loading the files and compiling the kinds' tops: ${compiled})`);

done = clock();
check(objects);
console.log(`then all ${objects.length} objects of ${kinds(objects)} kinds in every environment: ${done()}`);

done = clock();
const rounds = 20;
for (let i = 0; i < rounds; i++) for (const o of objects) validator.validate(o.manifest);
console.log(`steady state: ${rounds * objects.length} validations: ${done()}`);

console.log(`${problems.length} violations`);
for (const p of problems) console.log(`  ${p}`);
