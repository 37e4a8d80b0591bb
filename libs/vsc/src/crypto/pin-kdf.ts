import { hashRaw } from '@node-rs/argon2';
import type { KdfParams } from '../format/vsc-model';

/** The software half of the cardholder path: a memory-hard hash of the PIN (the HSM half is the KEK HMAC). */
export type PinKdf = (secret: Uint8Array, salt: Uint8Array, params: KdfParams) => Promise<Buffer>;

// @node-rs/argon2 declares its enums as `const enum`, which swc does not inline.
const ARGON2ID = 2;
const VERSION_0X13 = 1;

/** Argon2id (version 1.3), 32-byte output, run on libuv's thread pool. */
export const argon2idKdf: PinKdf = async (secret, salt, params) =>
  hashRaw(Buffer.from(secret), {
    algorithm: ARGON2ID,
    version: VERSION_0X13,
    memoryCost: params.memoryKiB,
    timeCost: params.iterations,
    parallelism: params.parallelism,
    outputLen: 32,
    salt: Buffer.from(salt),
  });
