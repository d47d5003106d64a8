/** Kubernetes resource quantities, parsed just enough to compare them. */

const CPU = /^(\d+(\.\d+)?)(m)?$/;
const MEMORY = /^(\d+(\.\d+)?)(Ki|Mi|Gi|Ti|k|M|G|T)?$/;
const MEMORY_FACTOR: Record<string, number> = {
  '': 1, 'k': 1e3, 'M': 1e6, 'G': 1e9, 'T': 1e12, 'Ki': 1024, 'Mi': 1024 ** 2, 'Gi': 1024 ** 3, 'Ti': 1024 ** 4,
};

/** CPU in millicores, or undefined when the text is not a CPU quantity (`250m`, `0.5`, `2`). */
export function parseCpu(text: unknown): number | undefined {
  if (typeof text !== 'string') return undefined;
  const m = CPU.exec(text);
  if (!m) return undefined;
  const value = Number(m[1]);
  return m[3] ? value : value * 1000;
}

/** Memory in bytes, or undefined when the text is not a memory quantity (`256Mi`, `1Gi`, `500M`). */
export function parseMemory(text: unknown): number | undefined {
  if (typeof text !== 'string') return undefined;
  const m = MEMORY.exec(text);
  if (!m) return undefined;
  return Number(m[1]) * MEMORY_FACTOR[m[3] ?? ''];
}
