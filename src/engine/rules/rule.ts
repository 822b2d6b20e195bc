import type { TSESTree } from '@typescript-eslint/typescript-estree';
import type { FileModel } from '../model.js';
import type { RuleMeta } from './meta.js';

/** A place a report points at. */
export type Anchor = TSESTree.Node | TSESTree.Token;

export interface RuleReport {
  anchor: Anchor;
  message: string;
  location?: string;
  related: { anchor: Anchor; message: string }[];
}

export interface Rule {
  meta: RuleMeta;
  check(model: FileModel): RuleReport[];
}
