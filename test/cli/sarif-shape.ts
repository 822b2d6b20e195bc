/**
 * A structural check of the SARIF 2.1.0 subset GitHub code scanning reads (no schema download, no network).
 * Returns a list of problems, each naming the JSON path; an empty list means the log passes.
 *
 * Checked: top-level `$schema`/`version`/`runs`; `tool.driver` name/version/informationUri/rules (unique ids,
 * descriptions, help, helpUri, defaultConfiguration.level, tags); each result's ruleId/ruleIndex agreement, level,
 * non-empty message, at least one physical location with a relative `uri` under a declared `uriBaseId` (or an
 * absolute file: URI) and a region of positive 1-based integers that does not end before it starts; related
 * locations with unique ids; `partialFingerprints.primaryLocationLineHash`; artifacts and their indexes;
 * invocations and their notifications; `originalUriBaseIds` as absolute file: URIs ending in "/".
 */

type Json = unknown;

const LEVELS = ['none', 'note', 'warning', 'error'];

export function sarifProblems(log: Json): string[] {
  const problems: string[] = [];
  const report = (where: string, what: string): void => {
    problems.push(`${where}: ${what}`);
  };

  if (!isObject(log)) return ['$: the log must be an object'];
  if (log.version !== '2.1.0') report('$.version', `must be "2.1.0", got ${JSON.stringify(log.version)}`);
  if (typeof log.$schema !== 'string' || !/sarif-2\.1\.0/.test(log.$schema)) report('$.$schema', 'must name the SARIF 2.1.0 schema');
  if (!Array.isArray(log.runs) || log.runs.length === 0) {
    report('$.runs', 'must be a non-empty array');
    return problems;
  }

  log.runs.forEach((run: Json, r: number) => {
    const at = `$.runs[${r}]`;
    if (!isObject(run)) return report(at, 'must be an object');

    const baseIds = new Set<string>();
    if (run.originalUriBaseIds !== undefined) {
      if (!isObject(run.originalUriBaseIds)) report(`${at}.originalUriBaseIds`, 'must be an object');
      else {
        for (const [id, value] of Object.entries(run.originalUriBaseIds)) {
          baseIds.add(id);
          const uri = isObject(value) ? value.uri : undefined;
          if (typeof uri !== 'string' || !uri.startsWith('file:///') || !uri.endsWith('/')) {
            report(`${at}.originalUriBaseIds["${id}"].uri`, 'must be an absolute file: URI ending in "/"');
          }
        }
      }
    }

    const driver = isObject(run.tool) && isObject(run.tool.driver) ? run.tool.driver : undefined;
    if (driver === undefined) return report(`${at}.tool.driver`, 'is required');
    if (!nonEmptyString(driver.name)) report(`${at}.tool.driver.name`, 'must be a non-empty string');
    if (driver.version !== undefined && !nonEmptyString(driver.version)) report(`${at}.tool.driver.version`, 'must be a non-empty string');
    if (driver.informationUri !== undefined && !isAbsoluteUrl(driver.informationUri)) {
      report(`${at}.tool.driver.informationUri`, 'must be an absolute URL');
    }
    const rules: Json[] = Array.isArray(driver.rules) ? driver.rules : [];
    if (driver.rules !== undefined && !Array.isArray(driver.rules)) report(`${at}.tool.driver.rules`, 'must be an array');
    const ruleIds = new Set<string>();
    rules.forEach((rule, i) => {
      const rat = `${at}.tool.driver.rules[${i}]`;
      if (!isObject(rule)) return report(rat, 'must be an object');
      if (!nonEmptyString(rule.id)) report(`${rat}.id`, 'must be a non-empty string');
      else if (ruleIds.has(rule.id)) report(`${rat}.id`, `duplicate rule id "${rule.id}"`);
      else ruleIds.add(rule.id);
      if (rule.name !== undefined && (!nonEmptyString(rule.name) || /[^A-Za-z0-9]/.test(rule.name))) {
        report(`${rat}.name`, 'must be an identifier-like string');
      }
      for (const key of ['shortDescription', 'fullDescription']) {
        if (!isObject(rule[key]) || !nonEmptyString(rule[key].text)) report(`${rat}.${key}.text`, 'must be a non-empty string');
      }
      if (!isObject(rule.help) || !nonEmptyString(rule.help.text)) report(`${rat}.help.text`, 'must be a non-empty string');
      else if (rule.help.markdown !== undefined && !nonEmptyString(rule.help.markdown)) report(`${rat}.help.markdown`, 'must be a non-empty string');
      if (rule.helpUri !== undefined && !isAbsoluteUrl(rule.helpUri)) report(`${rat}.helpUri`, 'must be an absolute URL');
      if (rule.defaultConfiguration !== undefined) {
        const level = isObject(rule.defaultConfiguration) ? rule.defaultConfiguration.level : undefined;
        if (!LEVELS.includes(level as string)) report(`${rat}.defaultConfiguration.level`, `must be one of ${LEVELS.join(', ')}`);
      }
      if (rule.properties !== undefined) {
        const tags = isObject(rule.properties) ? rule.properties.tags : undefined;
        if (tags !== undefined && (!Array.isArray(tags) || tags.some((t) => typeof t !== 'string'))) {
          report(`${rat}.properties.tags`, 'must be an array of strings');
        }
      }
    });

    const artifacts: Json[] = Array.isArray(run.artifacts) ? run.artifacts : [];
    if (run.artifacts !== undefined && !Array.isArray(run.artifacts)) report(`${at}.artifacts`, 'must be an array');
    artifacts.forEach((artifact, i) => {
      const aat = `${at}.artifacts[${i}]`;
      if (!isObject(artifact) || !isObject(artifact.location)) return report(`${aat}.location`, 'is required');
      checkArtifactLocation(artifact.location, `${aat}.location`, false);
    });

    function checkArtifactLocation(loc: Json, where: string, allowIndex: boolean): void {
      if (!isObject(loc)) return report(where, 'must be an object');
      if (typeof loc.uri !== 'string' || loc.uri === '') return report(`${where}.uri`, 'must be a non-empty string');
      if (/\\/.test(loc.uri)) report(`${where}.uri`, `must use forward slashes: ${loc.uri}`);
      if (/\s/.test(loc.uri)) report(`${where}.uri`, `must be percent-encoded: ${loc.uri}`);
      if (loc.uriBaseId !== undefined) {
        if (typeof loc.uriBaseId !== 'string' || !baseIds.has(loc.uriBaseId)) report(`${where}.uriBaseId`, `"${String(loc.uriBaseId)}" is not in originalUriBaseIds`);
        if (/^[a-z][a-z0-9+.-]*:/i.test(loc.uri) || loc.uri.startsWith('/')) report(`${where}.uri`, `must be relative to its uriBaseId: ${loc.uri}`);
        if (loc.uri.split('/').includes('..')) report(`${where}.uri`, `must not leave its uriBaseId: ${loc.uri}`);
      } else if (!loc.uri.startsWith('file:///')) {
        report(`${where}.uri`, `without a uriBaseId must be an absolute file: URI: ${loc.uri}`);
      }
      if (loc.index !== undefined) {
        if (!allowIndex || !isNonNegativeInt(loc.index) || loc.index >= artifacts.length) {
          report(`${where}.index`, `must point into run.artifacts (length ${artifacts.length})`);
        } else {
          const target = artifacts[loc.index];
          const targetUri = isObject(target) && isObject(target.location) ? target.location.uri : undefined;
          if (targetUri !== loc.uri) report(`${where}.index`, `points at artifact "${String(targetUri)}", not "${loc.uri}"`);
        }
      }
    }

    function checkRegion(region: Json, where: string, required: boolean): void {
      if (region === undefined) {
        if (required) report(where, 'is required');
        return;
      }
      if (!isObject(region)) return report(where, 'must be an object');
      for (const key of ['startLine', 'startColumn', 'endLine', 'endColumn']) {
        const value = region[key];
        if (value === undefined) {
          if (key === 'startLine') report(`${where}.startLine`, 'is required');
          continue;
        }
        if (!isPositiveInt(value)) report(`${where}.${key}`, `must be an integer >= 1, got ${JSON.stringify(value)}`);
      }
      const { startLine, startColumn, endLine, endColumn } = region as Record<string, number | undefined>;
      if (startLine !== undefined && endLine !== undefined && endLine < startLine) report(where, 'ends before it starts (endLine < startLine)');
      if (startLine === endLine && startColumn !== undefined && endColumn !== undefined && endColumn < startColumn) {
        report(where, 'ends before it starts (endColumn < startColumn)');
      }
    }

    function checkLocation(loc: Json, where: string, regionRequired: boolean): void {
      if (!isObject(loc) || !isObject(loc.physicalLocation)) return report(`${where}.physicalLocation`, 'is required');
      checkArtifactLocation(loc.physicalLocation.artifactLocation, `${where}.physicalLocation.artifactLocation`, true);
      checkRegion(loc.physicalLocation.region, `${where}.physicalLocation.region`, regionRequired);
    }

    if (!Array.isArray(run.results)) report(`${at}.results`, 'must be an array');
    const results: Json[] = Array.isArray(run.results) ? run.results : [];
    results.forEach((result, i) => {
      const rat = `${at}.results[${i}]`;
      if (!isObject(result)) return report(rat, 'must be an object');
      if (!nonEmptyString(result.ruleId)) report(`${rat}.ruleId`, 'must be a non-empty string');
      else if (!ruleIds.has(result.ruleId)) report(`${rat}.ruleId`, `"${result.ruleId}" is not in tool.driver.rules`);
      if (result.ruleIndex !== undefined) {
        const rule = isNonNegativeInt(result.ruleIndex) ? rules[result.ruleIndex] : undefined;
        if (!isObject(rule)) report(`${rat}.ruleIndex`, `must index tool.driver.rules (length ${rules.length})`);
        else if (rule.id !== result.ruleId) report(`${rat}.ruleIndex`, `points at "${String(rule.id)}", but ruleId is "${String(result.ruleId)}"`);
      }
      if (result.level !== undefined && !LEVELS.includes(result.level as string)) report(`${rat}.level`, `must be one of ${LEVELS.join(', ')}`);
      if (!isObject(result.message) || !nonEmptyString(result.message.text)) report(`${rat}.message.text`, 'must be a non-empty string');
      if (!Array.isArray(result.locations) || result.locations.length === 0) {
        report(`${rat}.locations`, 'must hold at least one location (GitHub rejects results without one)');
      } else {
        result.locations.forEach((loc: Json, j: number) => checkLocation(loc, `${rat}.locations[${j}]`, true));
      }
      if (result.relatedLocations !== undefined) {
        if (!Array.isArray(result.relatedLocations)) report(`${rat}.relatedLocations`, 'must be an array');
        else {
          const ids = new Set<number>();
          result.relatedLocations.forEach((loc: Json, j: number) => {
            const lat = `${rat}.relatedLocations[${j}]`;
            checkLocation(loc, lat, true);
            if (!isObject(loc)) return;
            if (!isNonNegativeInt(loc.id)) report(`${lat}.id`, 'must be an integer >= 0');
            else if (ids.has(loc.id)) report(`${lat}.id`, `duplicate id ${loc.id}`);
            else ids.add(loc.id);
            if (!isObject(loc.message) || !nonEmptyString(loc.message.text)) report(`${lat}.message.text`, 'must be a non-empty string');
          });
          // Embedded links in the message must point at existing related locations.
          const text = isObject(result.message) && typeof result.message.text === 'string' ? result.message.text : '';
          for (const m of text.matchAll(/(?<!\\)\[(?:[^\]\\]|\\.)*\]\((\d+)\)/g)) {
            if (!ids.has(Number(m[1]))) report(`${rat}.message.text`, `links to related location ${m[1]}, which does not exist`);
          }
        }
      }
      const fingerprints = result.partialFingerprints;
      if (!isObject(fingerprints) || !nonEmptyString(fingerprints.primaryLocationLineHash)) {
        report(`${rat}.partialFingerprints.primaryLocationLineHash`, 'must be a non-empty string');
      } else if (Object.values(fingerprints).some((v) => typeof v !== 'string')) {
        report(`${rat}.partialFingerprints`, 'values must be strings');
      }
    });

    if (run.invocations !== undefined) {
      if (!Array.isArray(run.invocations)) report(`${at}.invocations`, 'must be an array');
      else {
        run.invocations.forEach((inv: Json, i: number) => {
          const iat = `${at}.invocations[${i}]`;
          if (!isObject(inv)) return report(iat, 'must be an object');
          if (typeof inv.executionSuccessful !== 'boolean') report(`${iat}.executionSuccessful`, 'must be a boolean');
          if (inv.toolExecutionNotifications === undefined) return;
          if (!Array.isArray(inv.toolExecutionNotifications)) return report(`${iat}.toolExecutionNotifications`, 'must be an array');
          inv.toolExecutionNotifications.forEach((n: Json, j: number) => {
            const nat = `${iat}.toolExecutionNotifications[${j}]`;
            if (!isObject(n)) return report(nat, 'must be an object');
            if (!isObject(n.message) || !nonEmptyString(n.message.text)) report(`${nat}.message.text`, 'must be a non-empty string');
            if (n.level !== undefined && !LEVELS.includes(n.level as string)) report(`${nat}.level`, `must be one of ${LEVELS.join(', ')}`);
            if (n.locations !== undefined) {
              if (!Array.isArray(n.locations)) report(`${nat}.locations`, 'must be an array');
              else n.locations.forEach((loc: Json, k: number) => checkLocation(loc, `${nat}.locations[${k}]`, false));
            }
          });
        });
      }
    }
  });
  return problems;
}

function isObject(v: Json): v is Record<string, Json> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function nonEmptyString(v: Json): v is string {
  return typeof v === 'string' && v.trim() !== '';
}

function isPositiveInt(v: Json): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 1;
}

function isNonNegativeInt(v: Json): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0;
}

function isAbsoluteUrl(v: Json): boolean {
  if (typeof v !== 'string') return false;
  try {
    return new URL(v).protocol.length > 1;
  } catch {
    return false;
  }
}
