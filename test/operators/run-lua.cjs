// Runs Argo CD Lua health checks in real Lua (wasmoon), outside jest: its
// WebAssembly loader needs dynamic import(), which jest's CommonJS sandbox lacks.
// stdin: {"checks": [{"script": "...", "obj": {...}}, ...]}; stdout: the health tables, in order.
const { LuaFactory } = require('wasmoon');

/** A JSON value as a Lua table constructor. */
function lua(value) {
  if (value === null || value === undefined) return 'nil';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value !== 'object') return String(value);
  if (Array.isArray(value)) return `{${value.map(lua).join(', ')}}`;
  return `{${Object.entries(value).map(([k, v]) => `[${JSON.stringify(k)}] = ${lua(v)}`).join(', ')}}`;
}

async function main() {
  const { checks } = JSON.parse(require('fs').readFileSync(0, 'utf8'));
  const engine = await new LuaFactory().createEngine();
  try {
    const out = [];
    for (const { script, obj } of checks) {
      out.push(await engine.doString(`obj = ${lua(obj)}\nlocal function check()\n${script}\nend\nreturn check()`));
    }
    process.stdout.write(JSON.stringify(out));
  } finally {
    engine.global.close();
  }
}

main().catch((err) => {
  process.stderr.write(`${err.stack ?? err}\n`);
  process.exit(1);
});
