// Public surface of the engine: front ends (CLI, language server, ESLint plugin) import only from here.
export { analyze, analyzeDetailed, severityIn, type AnalyzeOptions, type DetailedAnalysis, type DetailedFinding } from './analyze.js';
export type { FixSubject } from './rules/rule.js';
export type { FileModel } from './model.js';
export { loadModule, type LoadedModule, type ProjectHost } from './callees.js';
export { ALL_RULES, RULE_IDS, isRuleId, ruleMeta, type RuleId } from './rules/index.js';
export { closest, didYouMean } from './didYouMean.js';
export { configJsonSchema } from './configSchema.js';
export { confidenceCeiling, docsUrl, DOCS_BASE_URL, type RuleMeta } from './rules/meta.js';
export {
  validateConfig,
  parseRuleOverride,
  ConfigError,
  DEFAULT_CONFIG,
  type AwaitguardConfig,
  type FixSettings,
  type Severity,
} from './config.js';
export {
  FIX_DEFAULTS,
  FIX_SETTING_KEYS,
  LOCK_STYLES,
  RUNTIMES,
  SEVERITIES,
  isOneOf,
  isPositiveInteger,
  isProjectPath,
  type LockStyle,
  type Runtime,
} from './settingsSchema.js';
export { isSupportedFile, SUPPORTED_EXTENSIONS, type FastParser, type Program } from './parse.js';
export { tryLockTestBefore } from './tryLocks.js';
export { conventionalFileKind, FILE_KINDS, generatedByContent, generatedByPath, isBuildOutput, type FileKind, type GeneratedReason } from './fileKinds.js';
export type {
  Finding,
  Fix,
  FixEdits,
  FixKind,
  FixMeaning,
  LockWrapStyle,
  CreatedFile,
  TextEdit,
  SourceRange,
  Position,
  RelatedLocation,
  Interleaving,
  InterleavingStep,
  ParseError,
  AnalysisResult,
  ReportedSeverity,
  Confidence,
} from './findings.js';
export { atLeast, CONFIDENCES } from './findings.js';
export type { UnusedDirective } from './unusedDirectives.js';

// For the fixes layer, which rewrites the trees the engine analysed (DESIGN.md: fixes use the engine through
// this entry only), and for the fast parser that shared/ hands the engine.
export { calleeName, calleeObject, containsAwait, enclosingFunction, forEachNode, forEachNodeIn, forEachNodeWithTypes, isFunction, isPromiseChainCall, memberName, namePattern, unwrap, type Node } from './ast.js';
export type { FunctionNode } from './scope.js';
export { classOf } from './summaries.js';
export { programOf } from './modules.js';
export { WRITTEN_CALLS, fixLibrary } from './locks/index.js';
export { MAX_OXC_LITERAL_PATHS, oxcAccepts, oxcLiteralPathBound, oxcOptions, programFromOxc } from './oxc.js';

