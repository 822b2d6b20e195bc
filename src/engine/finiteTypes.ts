import type { TSESTree } from '@typescript-eslint/typescript-estree';
import { exportedType } from './callees.js';
import { moduleTable, programOf } from './modules.js';

/**
 * How many values a declared type has, when the code spells out every one: a union of literals (`'system' |
 * 'customer'`), `boolean`, an enum, or a name for one of those (here or imported). A `Map` keyed by such a type, or
 * a `Set` of it, holds at most that many entries, whatever the code adds; null for any other type.
 */
export function finiteValues(type: TSESTree.TypeNode | null | undefined, depth = 0): number | null {
  if (!type || depth > 6) return null;
  switch (type.type) {
    case 'TSLiteralType':
      return type.literal.type === 'Literal' ? 1 : null;
    case 'TSBooleanKeyword':
      return 2;
    case 'TSNullKeyword':
    case 'TSUndefinedKeyword':
      return 1;
    case 'TSUnionType': {
      let total = 0;
      for (const member of type.types) {
        const n = finiteValues(member, depth + 1);
        if (n === null) return null;
        total += n;
      }
      return total;
    }
    case 'TSTypeReference':
      return type.typeName.type === 'Identifier' && !type.typeArguments ? namedValues(type.typeName, depth) : null;
    default:
      return null;
  }
}

function namedValues(name: TSESTree.Identifier, depth: number): number | null {
  const program = programOf(name);
  if (!program) return null;
  const table = moduleTable(program);
  const imported = table.typeImports.get(name.name) ?? table.imports.get(name.name);
  const declared = table.types.get(name.name) ?? (imported && imported.name !== '*' ? exportedType(program, imported.from, imported.name) : null);
  if (!declared) return null;
  // A generic alias (`type Key<T> = …`) depends on what it is given.
  if (declared.type === 'TSEnumDeclaration') return declared.body.members.length;
  return declared.typeParameters ? null : finiteValues(declared.typeAnnotation, depth + 1);
}

const KEYED = new Set(['Map', 'Set', 'WeakMap']);

/**
 * `new Map<Region, Client>()`, `new Set<Level>()`: the key type a collection is made with, if it names one; with
 * `annotation`, the one its variable declares (`const seen: Set<Level> = new Set()`).
 */
export function madeWithKeyType(made: TSESTree.NewExpression, annotation?: TSESTree.TypeNode | null): TSESTree.TypeNode | null {
  if (made.callee.type !== 'Identifier' || !KEYED.has(made.callee.name)) return null;
  const declared = annotation?.type === 'TSTypeReference' && annotation.typeName.type === 'Identifier' && KEYED.has(annotation.typeName.name) ? annotation.typeArguments?.params[0] : undefined;
  return made.typeArguments?.params[0] ?? declared ?? null;
}

/** `metrics: Metric[]`, `...metrics: Metric[]`, `Array<Metric>`, `ReadonlyArray<Metric>`: an array's element type. */
export function elementType(type: TSESTree.TypeNode | null | undefined): TSESTree.TypeNode | null {
  if (!type) return null;
  if (type.type === 'TSArrayType') return type.elementType;
  if (type.type === 'TSTypeOperator' && type.operator === 'readonly') return elementType(type.typeAnnotation);
  if (type.type === 'TSTypeReference' && type.typeName.type === 'Identifier' && ['Array', 'ReadonlyArray', 'Set', 'ReadonlySet'].includes(type.typeName.name)) return type.typeArguments?.params[0] ?? null;
  return null;
}
