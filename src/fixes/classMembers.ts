import type { TSESTree } from '@typescript-eslint/typescript-estree';

/**
 * The member names of the classes fixes declare locks in, read once per class and analysis: a class can have
 * tens of thousands of methods, each with a finding, and each fix asks.
 */
export class ClassMembers {
  private readonly byClass = new Map<TSESTree.ClassBody, { names: Set<string>; privateNames: boolean }>();

  /** Names of the fields and methods (`#name` as `name`). */
  names(cls: TSESTree.ClassBody): ReadonlySet<string> {
    return this.of(cls).names;
  }

  usesPrivateNames(cls: TSESTree.ClassBody): boolean {
    return this.of(cls).privateNames;
  }

  private of(cls: TSESTree.ClassBody): { names: Set<string>; privateNames: boolean } {
    let found = this.byClass.get(cls);
    if (!found) {
      found = { names: new Set(), privateNames: false };
      for (const m of cls.body) {
        if (!('key' in m)) continue;
        if (m.key.type === 'PrivateIdentifier') found.privateNames = true;
        if (m.key.type === 'Identifier' || m.key.type === 'PrivateIdentifier') found.names.add(m.key.name);
      }
      this.byClass.set(cls, found);
    }
    return found;
  }
}
