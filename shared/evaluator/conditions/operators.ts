import { ArnEquals, ArnLike, ArnNotEquals, ArnNotLike } from './arn.ts';
import { BinaryEquals } from './binary.ts';
import { Bool } from './bool.ts';
import {
  DateEquals,
  DateGreaterThan,
  DateGreaterThanEquals,
  DateLessThan,
  DateLessThanEquals,
  DateNotEquals,
} from './date.ts';
import { IpAddress, NotIpAddress } from './ipAddress.ts';
import {
  NumericEquals,
  NumericGreaterThan,
  NumericGreaterThanEquals,
  NumericLessThan,
  NumericLessThanEquals,
  NumericNotEquals,
} from './numeric.ts';
import type { BaseOperator } from './operator.ts';
import { StringEquals, StringNotEquals } from './stringEquals.ts';
import { StringEqualsIgnoreCase, StringNotEqualsIgnoreCase } from './stringEqualsIgnoreCase.ts';
import { StringLike, StringNotLike } from './stringLike.ts';

/** Every value-comparing operator (Null tests presence and is handled by the condition block). */
export const OPERATORS: readonly BaseOperator[] = [
  StringEquals,
  StringNotEquals,
  StringEqualsIgnoreCase,
  StringNotEqualsIgnoreCase,
  StringLike,
  StringNotLike,
  NumericEquals,
  NumericNotEquals,
  NumericLessThan,
  NumericLessThanEquals,
  NumericGreaterThan,
  NumericGreaterThanEquals,
  DateEquals,
  DateNotEquals,
  DateLessThan,
  DateLessThanEquals,
  DateGreaterThan,
  DateGreaterThanEquals,
  Bool,
  BinaryEquals,
  IpAddress,
  NotIpAddress,
  ArnEquals,
  ArnLike,
  ArnNotEquals,
  ArnNotLike,
];

const byLowerName = new Map(OPERATORS.map((operator) => [operator.name.toLowerCase(), operator]));

/** The operator with this base name (no IfExists, no set prefix), compared case-insensitively. */
export function findOperator(baseName: string): BaseOperator | undefined {
  return byLowerName.get(baseName.toLowerCase());
}
