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

/**
 * The names a file's text spells as whole words, asked one name at a time: a superset of the names `namesIn`
 * finds (a word in a comment or a string counts too, which only makes a fresh name more careful). A fix needs
 * a fresh name or two; walking the whole tree of a large file for them cost the first quick fix after an edit
 * more than the fix itself. Compared as text, never put into a pattern.
 */
export class WordsOfText {
  private readonly known = new Map<string, boolean>();

  constructor(private readonly text: string) {}

  has(name: string): boolean {
    let found = this.known.get(name);
    if (found === undefined) {
      found = spellsWord(this.text, name);
      this.known.set(name, found);
    }
    return found;
  }
}

function spellsWord(text: string, name: string): boolean {
  if (name === '') return false;
  for (let at = text.indexOf(name); at !== -1; at = text.indexOf(name, at + 1)) {
    if (!continuesIdentifier(text, at - 1) && !continuesIdentifier(text, at + name.length)) return true;
  }
  return false;
}

const ID_CONTINUE = /[\p{ID_Continue}$\u200c\u200d]/u;

/** Can the character at `i` be part of an identifier? A surrogate half is taken to be (an astral letter). */
function continuesIdentifier(text: string, i: number): boolean {
  if (i < 0 || i >= text.length) return false;
  const c = text.charCodeAt(i);
  if (c < 128) return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 36;
  if (c >= 0xd800 && c <= 0xdfff) return true;
  return ID_CONTINUE.test(text[i]!);
}

/** `stem`, else `stem2`, `stem3`, … : the first that `taken` does not claim. */
export function freshName(stem: string, taken: (name: string) => boolean): string {
  let name = stem;
  for (let i = 2; taken(name); i++) name = `${stem}${i}`;
  return name;
}
