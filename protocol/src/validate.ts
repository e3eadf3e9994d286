/** The one validator used by the server, the device agent and the apps' build. */
import { type Static, type TLiteral, type TSchema, type TUnion, Type } from '@sinclair/typebox';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { LocalizedText } from './messages.ts';

const ajv = new Ajv({ allErrors: false, strict: false, useDefaults: false });
addFormats.default(ajv, ['date-time', 'date']);
const compiled = new WeakMap<TSchema, ValidateFunction>();

/** A schema for one of some strings: `oneOf('vi', 'en')` is `'vi' | 'en'` to Ajv and to TypeScript. */
export function oneOf<const T extends readonly string[]>(...values: T): TUnion<TLiteral<T[number]>[]> {
  return Type.Union(values.map((v) => Type.Literal(v))) as never;
}

export type Validation<T> = { ok: true; value: T } | { ok: false; path: string; text: LocalizedText };

export function validate<S extends TSchema>(schema: S, value: unknown): Validation<Static<S>> {
  let check = compiled.get(schema);
  if (!check) {
    check = ajv.compile(schema);
    compiled.set(schema, check);
  }
  if (check(value)) return { ok: true, value: value as Static<S> };
  const error = check.errors?.[0];
  return error
    ? describe(error)
    : { ok: false, path: '', text: { vi: 'Dữ liệu không hợp lệ', en: 'Invalid data' } };
}

/** Turns an Ajv error into a message naming the field, in Vietnamese and English. */
function describe(e: ErrorObject): { ok: false; path: string; text: LocalizedText } {
  const base = e.instancePath.replace(/^\//, '').replaceAll('/', '.');
  const params = e.params as Record<string, unknown>;
  const child = (name: unknown) => (base ? `${base}.${String(name)}` : String(name));
  let path = base;
  let vi: string;
  let en: string;
  switch (e.keyword) {
    case 'required':
      path = child(params.missingProperty);
      vi = `Thiếu trường "${path}"`;
      en = `missing field "${path}"`;
      break;
    case 'additionalProperties':
      path = child(params.additionalProperty);
      vi = `Trường không được hỗ trợ "${path}"`;
      en = `unknown field "${path}"`;
      break;
    case 'type':
      vi = `Trường "${path || '(gốc)'}" phải có kiểu ${String(params.type)}`;
      en = `field "${path || '(root)'}" must be of type ${String(params.type)}`;
      break;
    default:
      vi = `Trường "${path || '(gốc)'}" không hợp lệ: ${e.message ?? e.keyword}`;
      en = `field "${path || '(root)'}" is invalid: ${e.message ?? e.keyword}`;
  }
  return { ok: false, path, text: { vi, en } };
}
