/**
 * A bounded reader for the Java Object Serialization Stream format, just enough to walk the
 * SealedObject a JCEKS secret-key entry holds (and the SecretKeySpec / KeyRep sealed inside it).
 *
 * This is NOT a deserializer: nothing is instantiated, no class is looked up, no code runs.
 * It reads the grammar of the stream (Java Object Serialization Specification, chapter 6) into
 * plain data: objects become { className, fields }, strings stay strings, byte arrays become
 * Buffers, every other primitive array and value is skipped. Every length is checked against the
 * bytes left, nesting and handle counts are capped, and anything outside the grammar's ordinary
 * forms (externalizable data without block mode, exceptions, resets) is refused.
 */
import { CertkitError, invalid, unsupported } from '../errors.js';
import { SERIALIZATION_LIMITS } from '../limits.js';
import { JavaDataReader, decodeModifiedUtf8 } from './java-data.js';
import { quoteInput } from '../quote.js';

const STREAM_MAGIC = 0xaced;
const STREAM_VERSION = 5;
const BASE_HANDLE = 0x7e0000;

const TC_NULL = 0x70;
const TC_REFERENCE = 0x71;
const TC_CLASSDESC = 0x72;
const TC_OBJECT = 0x73;
const TC_STRING = 0x74;
const TC_ARRAY = 0x75;
const TC_CLASS = 0x76;
const TC_BLOCKDATA = 0x77;
const TC_ENDBLOCKDATA = 0x78;
const TC_BLOCKDATALONG = 0x7a;
const TC_LONGSTRING = 0x7c;
const TC_PROXYCLASSDESC = 0x7d;
const TC_ENUM = 0x7e;

const SC_WRITE_METHOD = 0x01;
const SC_SERIALIZABLE = 0x02;
const SC_EXTERNALIZABLE = 0x04;
const SC_BLOCK_DATA = 0x08;

/** Limits for hostile streams (src/limits.ts). */
export { SERIALIZATION_LIMITS };

export interface JavaClassDesc {
  readonly kind: 'classdesc';
  readonly name: string;
  readonly flags: number;
  readonly fields: readonly { readonly type: string; readonly name: string }[];
  readonly superDesc: JavaClassDesc | null;
}

export interface JavaObject {
  readonly kind: 'object';
  readonly className: string;
  readonly fields: Map<string, JavaValue>;
}

export interface JavaArray {
  readonly kind: 'array';
  readonly className: string;
  /** The contents of a byte[]; undefined for other arrays. */
  readonly bytes: Buffer | undefined;
}

export interface JavaEnum {
  readonly kind: 'enum';
  readonly className: string;
  readonly constant: string;
}

export type JavaValue = null | string | number | JavaObject | JavaArray | JavaEnum | JavaClassDesc | { readonly kind: 'class' } | undefined;

const PRIMITIVE_SIZE: Record<string, number> = { B: 1, C: 2, D: 8, F: 4, I: 4, J: 8, S: 2, Z: 1 };

class StreamWalker {
  readonly #handles: JavaValue[] = [];

  constructor(readonly r: JavaDataReader) {}

  #newHandle(v: JavaValue): number {
    if (this.#handles.length >= SERIALIZATION_LIMITS.maxHandles) {
      throw new CertkitError('LIMIT_EXCEEDED', `serialized object: more than ${SERIALIZATION_LIMITS.maxHandles} handles`);
    }
    this.#handles.push(v);
    return this.#handles.length - 1;
  }

  #setHandle(h: number, v: JavaValue): void {
    this.#handles[h] = v;
  }

  #reference(): JavaValue {
    const h = this.r.i32('handle') - BASE_HANDLE;
    if (h < 0 || h >= this.#handles.length) throw invalid(`serialized object: reference to unknown handle ${h + BASE_HANDLE}`);
    return this.#handles[h];
  }

  #depth(depth: number): void {
    if (depth > SERIALIZATION_LIMITS.maxDepth) {
      throw new CertkitError('LIMIT_EXCEEDED', `serialized object: nested more than ${SERIALIZATION_LIMITS.maxDepth} levels deep`);
    }
  }

  #string(tc: number): string {
    if (tc === TC_STRING) return this.r.utf('serialized string');
    // TC_LONGSTRING: an 8-byte length.
    const n = this.r.i64('serialized long string length');
    if (n < 0n || n > BigInt(this.r.remaining)) throw invalid(`serialized object: string length ${n} runs past the end`);
    return decodeModifiedUtf8(this.r.bytes(Number(n), 'serialized long string'), 'serialized long string');
  }

  /** classDesc: TC_CLASSDESC … | TC_PROXYCLASSDESC … | TC_NULL | TC_REFERENCE. */
  classDesc(depth: number): JavaClassDesc | null {
    this.#depth(depth);
    const tc = this.r.u8('class descriptor');
    if (tc === TC_NULL) return null;
    if (tc === TC_REFERENCE) {
      const v = this.#reference();
      if (v === null || typeof v !== 'object' || v.kind !== 'classdesc') throw invalid('serialized object: reference is not a class descriptor');
      return v;
    }
    if (tc === TC_CLASSDESC) {
      const name = this.r.utf('class name');
      this.r.skip(8, 'serialVersionUID');
      const h = this.#newHandle(undefined);
      const flags = this.r.u8('class flags');
      const count = this.r.u16('field count');
      if (count * 3 > this.r.remaining) throw invalid(`serialized object: ${count} fields cannot fit in the bytes left`);
      const fields: { type: string; name: string }[] = [];
      for (let i = 0; i < count; i++) {
        const type = String.fromCharCode(this.r.u8('field type'));
        const fname = this.r.utf('field name');
        if (type === 'L' || type === '[') {
          const cn = this.content(depth + 1);
          if (typeof cn !== 'string') throw invalid('serialized object: field class name is not a string');
        } else if (PRIMITIVE_SIZE[type] === undefined) {
          throw invalid(`serialized object: unknown field type '${quoteInput(String(type))}'`);
        }
        fields.push({ type, name: fname });
      }
      this.annotation(depth + 1);
      const partial: JavaClassDesc = { kind: 'classdesc', name, flags, fields, superDesc: null };
      this.#setHandle(h, partial);
      const superDesc = this.classDesc(depth + 1);
      const desc: JavaClassDesc = { ...partial, superDesc };
      this.#setHandle(h, desc);
      return desc;
    }
    if (tc === TC_PROXYCLASSDESC) {
      const h = this.#newHandle(undefined);
      const n = this.r.length('proxy interface count', 2);
      for (let i = 0; i < n; i++) this.r.utf('proxy interface');
      this.annotation(depth + 1);
      const superDesc = this.classDesc(depth + 1);
      const desc: JavaClassDesc = { kind: 'classdesc', name: '<proxy>', flags: SC_SERIALIZABLE, fields: [], superDesc };
      this.#setHandle(h, desc);
      return desc;
    }
    throw invalid(`serialized object: unexpected type code 0x${tc.toString(16)} where a class descriptor belongs`);
  }

  /** Contents up to TC_ENDBLOCKDATA (class and object annotations). */
  annotation(depth: number): void {
    this.#depth(depth);
    for (;;) {
      const tc = this.r.u8('annotation');
      if (tc === TC_ENDBLOCKDATA) return;
      if (tc === TC_BLOCKDATA) {
        this.r.skip(this.r.u8('block length'), 'block data');
      } else if (tc === TC_BLOCKDATALONG) {
        this.r.skip(this.r.length('block length'), 'block data');
      } else {
        this.content(depth + 1, tc);
      }
    }
  }

  #fieldValue(type: string, depth: number): JavaValue {
    const size = PRIMITIVE_SIZE[type];
    if (size !== undefined) {
      if (type === 'I') return this.r.i32('int field');
      this.r.skip(size, 'primitive field');
      return undefined;
    }
    return this.content(depth);
  }

  /** One content item (object, string, array, enum, class, null, reference). */
  content(depth: number, tcIn?: number): JavaValue {
    this.#depth(depth);
    const tc = tcIn ?? this.r.u8('object');
    switch (tc) {
      case TC_NULL:
        return null;
      case TC_REFERENCE:
        return this.#reference();
      case TC_STRING:
      case TC_LONGSTRING: {
        const s = this.#string(tc);
        this.#newHandle(s);
        return s;
      }
      case TC_CLASSDESC:
      case TC_PROXYCLASSDESC:
        throw unsupported('serialized object: a bare class descriptor where an object belongs');
      case TC_CLASS: {
        this.classDesc(depth + 1);
        const v = { kind: 'class' as const };
        this.#newHandle(v);
        return v;
      }
      case TC_ARRAY: {
        const desc = this.classDesc(depth + 1);
        if (desc === null || !desc.name.startsWith('[')) throw invalid('serialized object: array without an array class');
        const h = this.#newHandle(undefined);
        const elem = desc.name.charAt(1);
        const size = PRIMITIVE_SIZE[elem];
        let arr: JavaArray;
        if (size !== undefined) {
          const n = this.r.length('array length', size);
          const data = this.r.bytes(n * size, 'array');
          arr = { kind: 'array', className: desc.name, bytes: elem === 'B' ? data : undefined };
        } else {
          const n = this.r.length('array length', 1);
          for (let i = 0; i < n; i++) this.content(depth + 1);
          arr = { kind: 'array', className: desc.name, bytes: undefined };
        }
        this.#setHandle(h, arr);
        return arr;
      }
      case TC_ENUM: {
        const desc = this.classDesc(depth + 1);
        if (desc === null) throw invalid('serialized object: enum without a class');
        const h = this.#newHandle(undefined);
        const constant = this.content(depth + 1);
        if (typeof constant !== 'string') throw invalid('serialized object: enum constant is not a string');
        const v: JavaEnum = { kind: 'enum', className: desc.name, constant };
        this.#setHandle(h, v);
        return v;
      }
      case TC_OBJECT: {
        const desc = this.classDesc(depth + 1);
        if (desc === null) throw invalid('serialized object: object without a class');
        const obj: JavaObject = { kind: 'object', className: desc.name, fields: new Map() };
        this.#newHandle(obj);
        const chain: JavaClassDesc[] = [];
        for (let d: JavaClassDesc | null = desc; d !== null; d = d.superDesc) {
          chain.unshift(d);
          if (chain.length > SERIALIZATION_LIMITS.maxDepth) {
            throw new CertkitError('LIMIT_EXCEEDED', 'serialized object: class hierarchy too deep');
          }
        }
        for (const d of chain) {
          if ((d.flags & SC_EXTERNALIZABLE) !== 0) {
            if ((d.flags & SC_BLOCK_DATA) === 0) throw unsupported('serialized object: externalizable data in protocol version 1');
            this.annotation(depth + 1);
          } else if ((d.flags & SC_SERIALIZABLE) !== 0) {
            for (const f of d.fields) obj.fields.set(f.name, this.#fieldValue(f.type, depth + 1));
            if ((d.flags & SC_WRITE_METHOD) !== 0) this.annotation(depth + 1);
          }
        }
        return obj;
      }
      default:
        throw unsupported(`serialized object: type code 0x${tc.toString(16)} is not supported`);
    }
  }
}

/**
 * Reads one serialization stream (magic, version, one top-level content item) from `r`, leaving
 * `r` just past it. Returns the item as plain data.
 */
export function readSerializedObject(r: JavaDataReader): JavaValue {
  const magic = r.u16('serialization magic');
  const version = r.u16('serialization version');
  if (magic !== STREAM_MAGIC || version !== STREAM_VERSION) {
    throw invalid(`not a Java serialization stream (magic ${magic.toString(16)}, version ${version})`);
  }
  return new StreamWalker(r).content(0);
}
