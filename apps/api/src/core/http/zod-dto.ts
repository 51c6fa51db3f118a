import { createZodDto as createNestZodDto } from 'nestjs-zod';

type Schema = Record<string, unknown>;

/** Keys that describe the property to Nest rather than its schema; they stay on the outside. */
const META = new Set(['required', 'selfRequired', 'description', 'example', 'deprecated']);

/**
 * zod ≥ 4.5 writes a bare nullable field as `type: ["string", "null"]`, which @nestjs/swagger reads as an
 * array of strings (nestjs-zod issue #473): `phone: string | null` became `phone: string[]` in the
 * OpenAPI document and the generated client. Rewritten as the `anyOf` form zod uses for every other
 * nullable field, which nestjs-zod's cleanup turns into `nullable: true` for OpenAPI 3.0.
 */
export function nullableAsAnyOf(node: unknown, top = false): unknown {
  if (Array.isArray(node)) return node.map((n) => nullableAsAnyOf(n));
  if (!node || typeof node !== 'object') return node;
  const out: Schema = {};
  for (const [k, v] of Object.entries(node as Schema))
    out[k] =
      k === 'properties'
        ? mapValues(v as Schema)
        : k === 'items' || k === 'anyOf' || k === 'oneOf' || k === 'allOf' || k === 'additionalProperties'
          ? nullableAsAnyOf(v)
          : v;
  const type = out.type;
  if (!Array.isArray(type) || type.length !== 2 || !type.includes('null')) return out;
  const inner: Schema = { type: type.find((t) => t !== 'null') };
  const outer: Schema = {};
  for (const [k, v] of Object.entries(out)) {
    if (k === 'type') continue;
    if (META.has(k) || k.startsWith('x-')) outer[k] = v;
    else inner[k] = v;
  }
  const anyOf = [inner, { type: 'null' }];
  // At the top of a property Nest reads `type`: nestjs-zod marks such properties with an empty type.
  return top ? { ...outer, anyOf, type: '', 'x-nestjs_zod-empty-type': true } : { ...outer, anyOf };
}

function mapValues(properties: Schema): Schema {
  return Object.fromEntries(Object.entries(properties ?? {}).map(([k, v]) => [k, nullableAsAnyOf(v)]));
}

/** nestjs-zod's createZodDto, with bare nullable fields documented as nullable (see nullableAsAnyOf). */
export const createZodDto: typeof createNestZodDto = ((...args: Parameters<typeof createNestZodDto>) => {
  const Dto = createNestZodDto(...args) as unknown as { _OPENAPI_METADATA_FACTORY?: () => Schema };
  const factory = Dto._OPENAPI_METADATA_FACTORY?.bind(Dto);
  if (factory) {
    Object.defineProperty(Dto, '_OPENAPI_METADATA_FACTORY', {
      value: () => Object.fromEntries(Object.entries(factory() ?? {}).map(([k, v]) => [k, nullableAsAnyOf(v, true)])),
      configurable: true,
      writable: true,
    });
  }
  return Dto;
}) as typeof createNestZodDto;

/**
 * OpenAPI 3.0 has no `type: "null"`: a schema `anyOf: [X, {type: "null"}]` left in the finished document
 * (nested objects, list items) becomes X with `nullable: true`, as nestjs-zod does for top-level fields.
 */
export function nullableFor30<T>(node: T): T {
  if (Array.isArray(node)) return (node as unknown[]).map((n) => nullableFor30(n)) as T;
  if (!node || typeof node !== 'object') return node;
  const out: Schema = Object.fromEntries(Object.entries(node as Schema).map(([k, v]) => [k, nullableFor30(v)]));
  const anyOf = out.anyOf as Schema[] | undefined;
  if (Array.isArray(anyOf) && anyOf.length === 2 && anyOf.some((a) => a?.type === 'null')) {
    const other = anyOf.find((a) => a?.type !== 'null')!;
    const { anyOf: _dropped, ...rest } = out;
    // A $ref cannot carry siblings in 3.0: wrap it.
    const base = '$ref' in other ? { allOf: [other] } : other;
    return { ...rest, ...base, nullable: true } as T;
  }
  return out as T;
}
