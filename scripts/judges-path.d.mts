export declare const JUDGES_BIN: string;
export declare function pathWithJudges(path?: string): string;
