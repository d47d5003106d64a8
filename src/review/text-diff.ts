/**
 * A small line diff for multi-line text fields (ConfigMap data, scripts):
 * longest common subsequence on the lines that differ, printed as unified
 * diff hunks. Pure.
 */

/** Above this many cells of the LCS table the middle is shown as replaced rather than aligned. */
const MAX_CELLS = 4_000_000;

type Op = { readonly op: ' ' | '-' | '+'; readonly line: string };

/**
 * Unified diff of two texts, without file headers: `@@ -a,n +b,m @@` hunks
 * with `context` unchanged lines around each change. Empty when equal.
 */
export function unifiedDiff(before: string, after: string, context = 3): string[] {
  if (before === after) return [];
  const ops = lineOps(splitLines(before), splitLines(after));
  return hunks(ops, context);
}

function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** Edit script of `a` into `b`: common prefix and suffix first, LCS on what remains. */
function lineOps(a: readonly string[], b: readonly string[]): Op[] {
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const ops: Op[] = a.slice(0, start).map((line) => ({ op: ' ', line }));
  ops.push(...middleOps(a.slice(start, endA), b.slice(start, endB)));
  ops.push(...a.slice(endA).map((line): Op => ({ op: ' ', line })));
  return ops;
}

function middleOps(a: readonly string[], b: readonly string[]): Op[] {
  const n = a.length;
  const m = b.length;
  if (n === 0 || m === 0 || n * m > MAX_CELLS) {
    return [...a.map((line): Op => ({ op: '-', line })), ...b.map((line): Op => ({ op: '+', line }))];
  }
  // lcs[i][j]: length of the LCS of a[i..] and b[j..], in one flat array.
  const width = m + 1;
  const lcs = new Uint32Array((n + 1) * width);
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i * width + j] = a[i] === b[j]
        ? lcs[(i + 1) * width + j + 1] + 1
        : Math.max(lcs[(i + 1) * width + j], lcs[i * width + j + 1]);
    }
  }
  const ops: Op[] = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (a[i] === b[j]) {
      ops.push({ op: ' ', line: a[i++] });
      j++;
    } else if (lcs[(i + 1) * width + j] >= lcs[i * width + j + 1]) {
      ops.push({ op: '-', line: a[i++] });
    } else {
      ops.push({ op: '+', line: b[j++] });
    }
  }
  while (i < n) ops.push({ op: '-', line: a[i++] });
  while (j < m) ops.push({ op: '+', line: b[j++] });
  return ops;
}

function hunks(ops: readonly Op[], context: number): string[] {
  const changed = ops.map((o, k) => (o.op === ' ' ? -1 : k)).filter((k) => k >= 0);
  const out: string[] = [];
  let k = 0;
  while (k < changed.length) {
    // One hunk: changes closer than two contexts apart share it.
    const first = changed[k];
    let last = first;
    while (k + 1 < changed.length && changed[k + 1] - last <= 2 * context) last = changed[++k];
    const from = Math.max(0, first - context);
    const to = Math.min(ops.length, last + context + 1);
    out.push(header(ops, from, to));
    for (let x = from; x < to; x++) out.push(`${ops[x].op}${ops[x].line}`);
    k++;
  }
  return out;
}

function header(ops: readonly Op[], from: number, to: number): string {
  let oldStart = 1;
  let newStart = 1;
  for (let x = 0; x < from; x++) {
    if (ops[x].op !== '+') oldStart++;
    if (ops[x].op !== '-') newStart++;
  }
  let oldLen = 0;
  let newLen = 0;
  for (let x = from; x < to; x++) {
    if (ops[x].op !== '+') oldLen++;
    if (ops[x].op !== '-') newLen++;
  }
  return `@@ -${range(oldStart, oldLen)} +${range(newStart, newLen)} @@`;
}

function range(start: number, length: number): string {
  return `${length === 0 ? start - 1 : start},${length}`;
}
