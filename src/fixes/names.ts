import { forEachNodeWithTypes, type Node } from '../engine/index.js';

/**
 * Every name the file spells as an identifier (declared, referenced, or a property). A new binding named
 * outside this set can neither shadow nor be shadowed by anything the user wrote. Names are compared as
 * names, never put into a pattern: `$` and other regex metacharacters are ordinary identifier characters.
 */
export function namesIn(root: Node): Set<string> {
  const names = new Set<string>();
  forEachNodeWithTypes(root, (n) => {
    if (n.type === 'Identifier' || n.type === 'PrivateIdentifier' || n.type === 'JSXIdentifier') names.add(n.name);
    return true;
  });
  return names;
}

/** `stem`, else `stem2`, `stem3`, … : the first that `taken` does not claim. */
export function freshName(stem: string, taken: (name: string) => boolean): string {
  let name = stem;
  for (let i = 2; taken(name); i++) name = `${stem}${i}`;
  return name;
}
