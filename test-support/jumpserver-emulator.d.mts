/** Types of test-support/jumpserver-emulator.mjs. */
export declare const EMULATOR_KEY_ID: string;
export declare const EMULATOR_KEY_SECRET: string;
export declare const ORG_DEFAULT: string;
export declare function repoRoot(from?: string): string;
export interface JumpServerEmulator {
  /** http://127.0.0.1:<port> */
  origin: string;
  port: number;
  close(): Promise<void>;
}
export declare function startJumpServerEmulator(options?: {
  accessKeys?: { id: string; secret: string }[];
  script?: string;
  timeoutMs?: number;
}): Promise<JumpServerEmulator>;
