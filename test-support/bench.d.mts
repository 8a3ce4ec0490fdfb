/** Types of test-support/bench.mjs. */
export interface BenchRow { name: string; unsignedUs: number; signedUs: number; ratio: number }
export declare function startSinkServer(): Promise<{ origin: string; close(): Promise<void> }>;
export declare function compare(
  cases: { name: string; unsigned: () => Promise<unknown>; signed: () => Promise<unknown> }[],
  options?: { warmup?: number; rounds?: number; perRound?: number },
): Promise<BenchRow[]>;
export declare function printTable(title: string, rows: BenchRow[]): void;
