/** Types of bench/moto.mjs (moto_server for the benchmark and the AWS test suites). */

export declare const FAKE_CREDENTIALS: { readonly accessKeyId: 'testing'; readonly secretAccessKey: 'testing' };
export declare const TEST_REGION: 'us-east-1';
export declare const FAKE_ENV: {
  readonly AWS_ACCESS_KEY_ID: string;
  readonly AWS_SECRET_ACCESS_KEY: string;
  readonly AWS_DEFAULT_REGION: string;
  readonly AWS_REGION: string;
};

export interface MotoServer {
  /** e.g. http://127.0.0.1:41234 */
  readonly endpoint: string;
  readonly port: number;
  stop(): Promise<void>;
}

export interface ActivatedCa {
  readonly caArn: string;
  /** The CA's self-signed root, PEM, as imported into moto. */
  readonly rootPem: string;
}

export interface CaOptions {
  readonly commonName?: string;
  readonly organization?: string;
  readonly keyAlgorithm?: 'RSA_2048' | 'RSA_4096' | 'EC_prime256v1' | 'EC_secp384r1';
}

export declare function freePort(): Promise<number>;
export declare function startMoto(bin?: string): Promise<MotoServer>;
export declare function createActivatedCa(endpoint: string, options?: CaOptions): Promise<ActivatedCa>;
export declare function createBucket(endpoint: string, bucket: string): Promise<void>;
export declare function listKeys(endpoint: string, bucket: string, prefix: string): Promise<string[]>;
