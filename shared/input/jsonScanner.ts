/**
 * An incremental JSON validator over UTF-8 bytes that reports where the values of the first three levels
 * begin and end, so that a document too large to parse whole can be cut into its items and each item parsed
 * alone. It keeps no values and does not recurse: one bit per open container, whatever the depth. It accepts
 * exactly what JSON.parse accepts of the text (bytes outside strings must be ASCII; inside, anything goes).
 */

export interface ScanListener {
  /** A value begins at byte `offset` with byte `first`; only for depth 0 (the root), 1 (its items or values) and 2. */
  valueStart?(depth: number, offset: number, first: number): void;
  /** The value that began last at this depth ends just before byte `offset`. */
  valueEnd?(depth: number, offset: number): void;
  /** A member name of the root object, as the raw bytes between its quotes; null when longer than MAX_KEY_BYTES. */
  rootKey?(raw: Buffer | null): void;
}

/** Longer than any escaped spelling of a key that decides a document's shape ("eventCategory" is 13 characters). */
export const MAX_KEY_BYTES = 96;
const REPORTED_DEPTH = 2;

// States. A value is expected (VALUE), or the first item of a list or its end (FIRST_ITEM), ...
const VALUE = 0;
const FIRST_ITEM = 1;
const FIRST_KEY = 2;
const KEY = 3;
const COLON = 4;
const AFTER_VALUE = 5;
const DONE = 6;
const STRING = 7;
const ESCAPE = 8;
const HEX = 9;
const MINUS = 10;
const ZERO = 11;
const INTEGER = 12;
const DOT = 13;
const FRACTION = 14;
const EXPONENT_MARK = 15;
const EXPONENT_SIGN = 16;
const EXPONENT = 17;
const LITERAL = 18;
const FAILED = 19;

const TRUE = Buffer.from('true');
const FALSE = Buffer.from('false');
const NULL = Buffer.from('null');
const BOM = [0xef, 0xbb, 0xbf];

export class JsonScanner {
  /** Why the text is not JSON, once it is known not to be. */
  error: string | null = null;
  private state = VALUE;
  private depth = 0;
  /** Bit `d` set: the container open at depth `d` is an object. */
  private containers = new Uint8Array(64);
  /** Absolute offset of the next byte fed. */
  private position = 0;
  private hexLeft = 0;
  private literal: Buffer = TRUE;
  private literalAt = 0;
  private inKey = false;
  /** The raw bytes of the root member name being read, while it is no longer than MAX_KEY_BYTES. */
  private key: Buffer[] | null = null;
  private keyBytes = 0;
  private bomLeft: number;
  private readonly reportsStart: boolean;
  private readonly reportsEnd: boolean;

  constructor(
    private readonly listener: ScanListener = {},
    options: { skipBom?: boolean } = {},
  ) {
    this.bomLeft = options.skipBom === false ? 0 : BOM.length;
    this.reportsStart = listener.valueStart !== undefined;
    this.reportsEnd = listener.valueEnd !== undefined;
  }

  /** Returns false once the text is known not to be JSON; feeding more is then a no-op. */
  feed(chunk: Uint8Array): boolean {
    let i = 0;
    const n = chunk.length;
    // A byte-order mark may open the text (TextDecoder drops it before JSON.parse sees the text).
    while (this.bomLeft > 0 && i < n && this.state !== FAILED) {
      if (chunk[i] === BOM[BOM.length - this.bomLeft]) {
        this.bomLeft--;
        i++;
      } else if (this.bomLeft === BOM.length) this.bomLeft = 0;
      else this.fail('a broken byte-order mark', i);
    }
    if (this.state !== FAILED && i < n) this.scan(chunk, i);
    this.position += n;
    return this.state !== FAILED;
  }

  /** Call after the last chunk; returns whether the whole text was one JSON value. */
  end(): boolean {
    if (this.state === FAILED) return false;
    if (this.bomLeft > 0 && this.bomLeft < BOM.length) return this.fail('a broken byte-order mark', 0);
    const state = this.state;
    const inNumber = state === ZERO || state === INTEGER || state === FRACTION || state === EXPONENT;
    if (inNumber && this.depth === 0) {
      // A number at the root ends with the text.
      this.listener.valueEnd?.(0, this.position);
      this.state = DONE;
    }
    if (this.state !== DONE) {
      const nothing = this.state === VALUE && this.depth === 0;
      return this.fail(nothing ? 'no JSON value' : 'unexpected end of the input', 0);
    }
    return true;
  }

  /**
   * The state machine, in one loop over locals: the hot paths (runs of string bytes, digits, blanks and
   * brackets) stay tight, since a hostile file is nothing but them.
   */
  private scan(chunk: Uint8Array, from: number): void {
    const n = chunk.length;
    const base = this.position;
    const listener = this.listener;
    const reportsStart = this.reportsStart;
    const reportsEnd = this.reportsEnd;
    let state = this.state;
    let depth = this.depth;
    let i = from;
    let b = 0;
    while (i < n) {
      b = chunk[i]!;
      switch (state) {
        case STRING: {
          const runStart = i;
          while (b !== 0x22 && b !== 0x5c && b >= 0x20) {
            if (++i === n) break;
            b = chunk[i]!;
          }
          if (this.inKey) this.keep(chunk, runStart, i);
          if (i === n) break;
          if (b === 0x5c) {
            if (this.inKey) this.keep(chunk, i, i + 1);
            state = ESCAPE;
          } else if (b < 0x20) state = this.failAt(`control character ${describe(b)} in a string`, i, depth);
          else if (this.inKey) {
            this.inKey = false;
            state = COLON;
            if (this.key !== null) {
              const raw = this.keyBytes <= MAX_KEY_BYTES ? Buffer.concat(this.key) : null;
              this.key = null;
              this.listener.rootKey?.(raw);
            }
          } else {
            if (depth <= REPORTED_DEPTH && reportsEnd) listener.valueEnd!(depth, base + i + 1);
            state = depth === 0 ? DONE : AFTER_VALUE;
          }
          i++;
          break;
        }
        case VALUE:
        case FIRST_ITEM: {
          if (b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09) {
            i++;
            break;
          }
          if (b === 0x5d && state === FIRST_ITEM) {
            depth--;
            if (depth <= REPORTED_DEPTH && reportsEnd) listener.valueEnd!(depth, base + i + 1);
            state = depth === 0 ? DONE : AFTER_VALUE;
            i++;
            break;
          }
          if (depth <= REPORTED_DEPTH && reportsStart) listener.valueStart!(depth, base + i, b);
          if (b === 0x5b || b === 0x7b) {
            this.depth = depth;
            this.push(b === 0x7b);
            depth++;
            state = b === 0x7b ? FIRST_KEY : FIRST_ITEM;
          } else if (b === 0x22) {
            this.inKey = false;
            state = STRING;
          } else if (b >= 0x30 && b <= 0x39) state = b === 0x30 ? ZERO : INTEGER;
          else if (b === 0x2d) state = MINUS;
          else if (b === 0x74 || b === 0x66 || b === 0x6e) {
            this.literal = b === 0x74 ? TRUE : b === 0x66 ? FALSE : NULL;
            this.literalAt = 1;
            state = LITERAL;
          } else {
            state = this.failAt(`unexpected ${describe(b)} where a value was expected`, i, depth);
            break;
          }
          i++;
          break;
        }
        case AFTER_VALUE: {
          if (b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09) {
            i++;
            break;
          }
          const inObject = this.isObject(depth - 1);
          if (b === 0x2c) state = inObject ? KEY : VALUE;
          else if (b === (inObject ? 0x7d : 0x5d)) {
            depth--;
            if (depth <= REPORTED_DEPTH && reportsEnd) listener.valueEnd!(depth, base + i + 1);
            state = depth === 0 ? DONE : AFTER_VALUE;
          } else {
            state = this.failAt(
              `unexpected ${describe(b)} in ${inObject ? 'an object' : 'a list'}`,
              i,
              depth,
            );
            break;
          }
          i++;
          break;
        }
        case FIRST_KEY:
        case KEY: {
          if (b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09) {
            i++;
            break;
          }
          if (b === 0x7d && state === FIRST_KEY) {
            depth--;
            if (depth <= REPORTED_DEPTH && reportsEnd) listener.valueEnd!(depth, base + i + 1);
            state = depth === 0 ? DONE : AFTER_VALUE;
          } else if (b === 0x22) {
            this.inKey = true;
            if (depth === 1) {
              this.key = [];
              this.keyBytes = 0;
            }
            state = STRING;
          } else {
            state = this.failAt(`unexpected ${describe(b)} where a member name was expected`, i, depth);
            break;
          }
          i++;
          break;
        }
        case COLON:
          if (b === 0x3a) state = VALUE;
          else if (b !== 0x20 && b !== 0x0a && b !== 0x0d && b !== 0x09) {
            state = this.failAt(`unexpected ${describe(b)} where ":" was expected`, i, depth);
            break;
          }
          i++;
          break;
        case ESCAPE:
          if (b === 0x75 /* u */) {
            this.hexLeft = 4;
            state = HEX;
          } else if (isEscapable(b)) state = STRING;
          else {
            state = this.failAt(`bad escape ${describe(b)} in a string`, i, depth);
            break;
          }
          if (this.inKey) this.keep(chunk, i, i + 1);
          i++;
          break;
        case HEX:
          if (!isHex(b)) {
            state = this.failAt(`bad \\u escape: ${describe(b)} in a string`, i, depth);
            break;
          }
          if (this.inKey) this.keep(chunk, i, i + 1);
          if (--this.hexLeft === 0) state = STRING;
          i++;
          break;
        case MINUS:
          if (b === 0x30) state = ZERO;
          else if (b >= 0x31 && b <= 0x39) state = INTEGER;
          else {
            state = this.failAt(`no digit after "-" (found ${describe(b)})`, i, depth);
            break;
          }
          i++;
          break;
        case INTEGER:
        case FRACTION:
        case EXPONENT:
          while (b >= 0x30 && b <= 0x39) {
            if (++i === n) break;
            b = chunk[i]!;
          }
          if (i === n) break;
          if (state !== EXPONENT && (b === 0x65 || b === 0x45)) {
            state = EXPONENT_MARK;
            i++;
            break;
          }
          if (state === INTEGER && b === 0x2e) {
            state = DOT;
            i++;
            break;
          }
          // The number ends before this byte, which the next state reads.
          if (depth <= REPORTED_DEPTH && reportsEnd) listener.valueEnd!(depth, base + i);
          state = depth === 0 ? DONE : AFTER_VALUE;
          break;
        case ZERO:
          if (b === 0x2e) state = DOT;
          else if (b === 0x65 || b === 0x45) state = EXPONENT_MARK;
          else {
            if (depth <= REPORTED_DEPTH && reportsEnd) listener.valueEnd!(depth, base + i);
            state = depth === 0 ? DONE : AFTER_VALUE;
            break;
          }
          i++;
          break;
        case DOT:
        case EXPONENT_SIGN:
          if (b < 0x30 || b > 0x39) {
            state = this.failAt(`no digit in a number (found ${describe(b)})`, i, depth);
            break;
          }
          state = state === DOT ? FRACTION : EXPONENT;
          i++;
          break;
        case EXPONENT_MARK:
          if (b === 0x2b || b === 0x2d) state = EXPONENT_SIGN;
          else if (b >= 0x30 && b <= 0x39) state = EXPONENT;
          else {
            state = this.failAt(`no digit in an exponent (found ${describe(b)})`, i, depth);
            break;
          }
          i++;
          break;
        case LITERAL:
          if (b !== this.literal[this.literalAt]) {
            state = this.failAt(`unexpected ${describe(b)}`, i, depth);
            break;
          }
          i++;
          if (++this.literalAt === this.literal.length) {
            if (depth <= REPORTED_DEPTH && reportsEnd) listener.valueEnd!(depth, base + i);
            state = depth === 0 ? DONE : AFTER_VALUE;
          }
          break;
        case DONE:
          if (b !== 0x20 && b !== 0x0a && b !== 0x0d && b !== 0x09) {
            state = this.failAt(`unexpected ${describe(b)} after the JSON value`, i, depth);
            break;
          }
          i++;
          break;
        default:
          return;
      }
    }
    this.state = state;
    this.depth = depth;
  }

  /** Collects the raw bytes of a root member name, up to MAX_KEY_BYTES. */
  private keep(chunk: Uint8Array, from: number, to: number): void {
    if (this.key === null || to <= from) return;
    this.keyBytes += to - from;
    if (this.keyBytes <= MAX_KEY_BYTES) this.key.push(Buffer.from(chunk.subarray(from, to)));
  }

  /** Marks the container opening at depth `this.depth`. */
  private push(isObject: boolean): void {
    const depth = this.depth;
    const byte = depth >>> 3;
    if (byte >= this.containers.length) {
      const grown = new Uint8Array(this.containers.length * 2);
      grown.set(this.containers);
      this.containers = grown;
    }
    const bit = 1 << (depth & 7);
    this.containers[byte] = isObject ? this.containers[byte]! | bit : this.containers[byte]! & ~bit;
  }

  private isObject(depth: number): boolean {
    return ((this.containers[depth >>> 3]! >>> (depth & 7)) & 1) === 1;
  }

  /** From the scan loop, which holds the depth in a local. */
  private failAt(problem: string, i: number, depth: number): number {
    this.depth = depth;
    this.fail(problem, i);
    return FAILED;
  }

  private fail(problem: string, i: number): false {
    this.error = `${problem} at byte ${this.position + i}`;
    this.state = FAILED;
    return false;
  }
}

/** Whether the bytes are one JSON value (after an optional byte-order mark), for text too large to parse. */
export function isJsonValue(bytes: Uint8Array): boolean {
  const scanner = new JsonScanner();
  scanner.feed(bytes);
  return scanner.end();
}

function isDigit(b: number): boolean {
  return b >= 0x30 && b <= 0x39;
}

function isHex(b: number): boolean {
  return isDigit(b) || (b >= 0x61 && b <= 0x66) || (b >= 0x41 && b <= 0x46);
}

/** The characters that may follow a backslash, but for `u`: " \ / b f n r t. */
function isEscapable(b: number): boolean {
  return (
    b === 0x22 ||
    b === 0x5c ||
    b === 0x2f ||
    b === 0x62 ||
    b === 0x66 ||
    b === 0x6e ||
    b === 0x72 ||
    b === 0x74
  );
}

function describe(b: number): string {
  return b >= 0x21 && b <= 0x7e ? `"${String.fromCharCode(b)}"` : `byte 0x${b.toString(16).padStart(2, '0')}`;
}
