/** Types for buildStamp.mjs (plain JavaScript so that it runs before any build). */
export declare const PROJECT_ROOT: string;
export declare const STAMP_FILE: string;
export declare function sourcesHash(root?: string): string;
export declare function writeStamp(root?: string): { sourcesHash: string; builtAt: string };
export declare function buildProblem(root?: string): string | undefined;
