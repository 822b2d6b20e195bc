// End to end, as a user works: the packaged .vsix installed into code-server (VS Code in the browser),
// the fixture workspace open, a racy file opened from the Explorer, the diagnostic in the Problems panel,
// its interleaving in the hover (a table) and in the editor ("Show interleaving"), the quick-fix menu on it,
// "Guard `this.balance` with a Lock" applied and saved; the file on disk holds
// the lock code, the runtime file was created, and the Problems panel no longer lists the finding.
//
// Run by scripts/e2e/run.mjs (npm run test:e2e); not a vitest file.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

const RACY_FILE = ['src', 'account.ts'];
const LOCK_FILE = ['src', 'awaitguard-lock.ts'];
const RACY_LINE = 'this.balance = before + amount';
const FIX_PREFIX = 'Guard `this.balance` with a Lock';

/**
 * @param {object} ctx
 * @param {import('playwright-core').Page} ctx.page
 * @param {string} ctx.url code-server's base URL
 * @param {string} ctx.workspace the copied fixture workspace
 * @param {(name: string, fn: () => Promise<void>) => Promise<void>} ctx.test sequential steps; a failed step skips the rest
 * @param {(name: string) => Promise<void>} ctx.screenshot writes screenshot-<name>.png (.cache/e2e/screenshots, or media/ with `npm run screenshots`)
 * @param {(what: string, probe: () => unknown, opts?: object) => Promise<unknown>} ctx.waitFor
 */
export async function run({ page, url, workspace, test, screenshot, waitFor }) {
  const racyPath = path.join(workspace, ...RACY_FILE);
  const lockPath = path.join(workspace, ...LOCK_FILE);
  const problemsText = async () => (await page.locator('.markers-panel').first().innerText({ timeout: 2_000 }).catch(() => '')) ?? '';

  await test('workbench loads the fixture workspace', async () => {
    await page.goto(`${url}/?folder=${encodeURIComponent(workspace)}`, { timeout: 60_000 });
    await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: 90_000 });
    // The Explorer lists the workspace once the file service is up.
    await page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ state: 'visible', timeout: 60_000 });
  });

  await test('racy file opens from the Explorer', async () => {
    // Expand folders down to the file, clicking each row as a user would.
    for (const [i, name] of RACY_FILE.entries()) {
      // Rows are labelled by the entry's name (aria-label), possibly followed by decorations.
      const row = page.locator(`.explorer-folders-view .monaco-list-row[aria-label="${name}"], .explorer-folders-view .monaco-list-row[aria-label^="${name},"]`).first();
      await row.waitFor({ state: 'visible', timeout: 30_000 });
      const last = i === RACY_FILE.length - 1;
      if (!last && (await row.getAttribute('aria-expanded')) === 'true') continue;
      await row.click();
    }
    await page.locator('.tabs-container .tab', { hasText: RACY_FILE.at(-1) }).first().waitFor({ state: 'visible', timeout: 30_000 });
    await page.locator('.monaco-editor .view-line', { hasText: RACY_LINE }).first().waitFor({ state: 'visible', timeout: 30_000 });
  });

  await test('lost-update diagnostic shows in the Problems panel', async () => {
    // Ctrl+Shift+M toggles the Problems panel; focus the editor first so the keybinding reaches the workbench.
    await page.locator('.monaco-editor .view-line', { hasText: RACY_LINE }).first().click();
    // It toggles, so press it only while the panel is not showing.
    if (!(await page.locator('.markers-panel').first().isVisible().catch(() => false))) await page.keyboard.press('Control+Shift+M');
    await page.locator('.markers-panel').first().waitFor({ state: 'visible', timeout: 15_000 });
    await waitFor('the lost-update finding in the Problems panel', async () => /lost-update/.test(await problemsText()), { timeoutMs: 90_000, intervalMs: 500 });
    const text = await problemsText();
    if (!/awaitguard/.test(text)) throw new Error(`Problems panel lists lost-update but not its source "awaitguard":\n${text}`);
    if (!/concurrent call's update is lost/.test(text)) throw new Error(`Problems panel does not show the finding's message:\n${text}`);
    // The squiggle is drawn in the editor too.
    await page.locator('.monaco-editor .squiggly-error, .monaco-editor .squiggly-warning').first().waitFor({ state: 'attached', timeout: 15_000 });
    await screenshot('diagnostic');
  });

  await test('hovering the diagnostic shows the interleaving as a table', async () => {
    const line = page.locator('.monaco-editor .view-line', { hasText: RACY_LINE }).first();
    const hover = page.locator('.monaco-hover').filter({ hasText: 'how it happens' });
    // The panel closed (Ctrl+J), so the hover has the room to show the whole table; reopened below.
    await page.keyboard.press('Control+J');
    await page.locator('.markers-panel').first().waitFor({ state: 'hidden', timeout: 5_000 });
    // The cursor on the reported write, then "Show or Focus Hover" (Ctrl+K Ctrl+I): the hover a mouse resting on
    // the squiggle opens, without depending on where the mouse is.
    await line.locator('span span', { hasText: 'balance' }).first().click();
    await waitFor('the hover to show the interleaving table', async () => {
      await page.keyboard.press('Escape');
      await page.keyboard.press('Control+K');
      await page.keyboard.press('Control+I');
      return hover.locator('table').first().waitFor({ state: 'visible', timeout: 4_000 }).then(() => true, () => false);
    }, { timeoutMs: 45_000, intervalMs: 500 });
    const table = await hover.locator('table').first().innerText();
    for (const expected of ['call A of `deposit()`'.replace(/`/g, ''), 'call B of', 'reads this.balance (v)', 'still v', 'writes this.balance = v + amount']) {
      if (!table.replace(/`/g, '').includes(expected)) throw new Error(`the hover's table lacks "${expected}":\n${table}`);
    }
    // A row per step: a header, then six steps.
    const rows = await hover.locator('table tr').count();
    if (rows !== 7) throw new Error(`the hover's table has ${rows} rows, not 7:\n${table}`);
    if (!(await hover.innerText()).includes("A's update is lost")) throw new Error('the hover does not say the outcome');
    // The hover is as tall as VS Code lets it be: scroll it down to its table for the picture (the mouse on the
    // hover keeps it open). Only the picture depends on it.
    await hover.first().hover({ timeout: 3_000 }).then(() => page.mouse.wheel(0, 120)).catch(() => {});
    await page.waitForTimeout(300);
    await screenshot('hover-interleaving');
    await page.keyboard.press('Escape');
    await page.keyboard.press('Control+J');
    await page.locator('.markers-panel').first().waitFor({ state: 'visible', timeout: 5_000 });
  });

  await test('"Show interleaving" numbers the steps in the editor until the next edit', async () => {
    const line = page.locator('.monaco-editor .view-line', { hasText: RACY_LINE }).first();
    await line.locator('span span', { hasText: 'balance' }).first().click();
    const menu = page.locator('.action-widget');
    const item = page.locator('.action-widget .monaco-list-row', { hasText: 'Show interleaving of this lost-update' });
    await waitFor('the quick-fix menu to offer "Show interleaving"', async () => {
      if (!(await menu.isVisible().catch(() => false))) {
        await page.keyboard.press('Control+.');
        await menu.first().waitFor({ state: 'visible', timeout: 5_000 }).catch(() => {});
      }
      if ((await item.count()) > 0) return true;
      await page.keyboard.press('Escape');
      return false;
    }, { timeoutMs: 45_000, intervalMs: 500 });
    await item.first().click();
    // The steps' notes are text VS Code injects at the end of their lines: ① on the read, ⑥ with the outcome on the write.
    // VS Code draws a decoration's `after` text with a CSS rule (`content: "…"`) made for it, not as text in the
    // DOM: read the rules.
    const editorText = () => injectedText(page);
    await waitFor('the numbered steps in the editor', async () => /① A: reads/.test(await editorText()) && /⑥ B: writes/.test(await editorText()), { timeoutMs: 15_000, intervalMs: 300 }).catch(async (err) => {
      throw new Error(`${err.message}; the editor shows:\n${await editorText()}`);
    });
    const text = await editorText();
    if (!/③ B: reads `this\.balance`: still v/.test(text)) throw new Error(`B's read is not numbered ③:\n${text}`);
    if (!/A's update is lost/.test(text)) throw new Error(`the outcome is not shown:\n${text}`);
    if ((await page.locator('.monaco-editor [class*="ced-"]').count()) === 0) throw new Error('the steps are not highlighted');
    await screenshot('interleaving');
  });

  await test('quick-fix menu on the diagnostic offers "Guard with a Lock"', async () => {
    // Put the cursor inside the reported write (`this.balance = ...`, from column 5), then Ctrl+.
    const line = page.locator('.monaco-editor .view-line', { hasText: RACY_LINE }).first();
    const token = line.locator('span span', { hasText: 'balance' }).first();
    await token.click();
    await page.keyboard.press('End');
    await page.keyboard.press('Home'); // first non-blank character: the start of `this.balance`
    await page.keyboard.press('ArrowRight');
    const menu = page.locator('.action-widget');
    await waitFor('the quick-fix menu to list "Guard … with a Lock"', async () => {
      if (!(await menu.isVisible().catch(() => false))) {
        await page.keyboard.press('Control+.');
        await menu.first().waitFor({ state: 'visible', timeout: 5_000 }).catch(() => {});
      }
      const text = await menu.first().innerText({ timeout: 1_000 }).catch(() => '');
      if (text.includes(FIX_PREFIX)) return true;
      if (text) await page.keyboard.press('Escape'); // the server may not have answered yet; ask again
      return false;
    }, { timeoutMs: 45_000, intervalMs: 500 });
    await screenshot('quickfix');
  });

  await test('applying the fix writes the lock code to disk and creates the runtime file', async () => {
    const items = page.locator('.action-widget .monaco-list-row', { hasText: FIX_PREFIX });
    const count = await items.count();
    if (count === 0) throw new Error('no quick-fix item starts with ' + FIX_PREFIX);
    // Prefer the try/finally form (the one asserted below); otherwise the first "Guard" item.
    const tryFinally = page.locator('.action-widget .monaco-list-row', { hasText: `${FIX_PREFIX} (try/finally)` });
    const item = (await tryFinally.count()) > 0 ? tryFinally.first() : items.first();
    const label = (await item.innerText()).trim();
    await item.click();
    await page.locator('.action-widget').first().waitFor({ state: 'hidden', timeout: 10_000 });
    await page.locator('.monaco-editor .view-line', { hasText: '.acquire()' }).first().waitFor({ state: 'visible', timeout: 15_000 });
    // Save the file as a user would.
    await page.keyboard.press('Control+S');
    const onDisk = await waitFor('the fixed file on disk to hold `.acquire()` and `finally`', () => {
      const text = readFileSync(racyPath, 'utf8');
      return text.includes('.acquire()') && text.includes('finally') ? text : false;
    }, { timeoutMs: 15_000 });
    if (!/import \{ Lock \} from '\.\/awaitguard-lock(\.js)?'/.test(onDisk)) throw new Error(`the fixed file does not import Lock from ./awaitguard-lock:\n${onDisk}`);
    if (!/\.release\(\)/.test(onDisk)) throw new Error(`the fixed file does not release the lock:\n${onDisk}`);
    // The runtime file is created by the same workspace edit; VS Code may leave its content unsaved, so save all.
    await waitFor('src/awaitguard-lock.ts to exist', () => existsSync(lockPath), { timeoutMs: 15_000 });
    if (!readFileSync(lockPath, 'utf8').includes('class Lock')) {
      console.log('[e2e]   the runtime file was left unsaved by the edit; saving all (Ctrl+K S)');
      await page.keyboard.press('Control+K');
      await page.keyboard.press('S');
      await waitFor('src/awaitguard-lock.ts to hold the Lock class', () => readFileSync(lockPath, 'utf8').includes('class Lock'), { timeoutMs: 15_000 });
    }
    // The edit cleared the interleaving's notes: they would point at moved code.
    const notes = (await injectedText(page)).match(/[①-⑳] [AB]:/g);
    if (notes) throw new Error(`the interleaving is still shown after an edit: ${notes.join(', ')}`);
    console.log(`[e2e]   applied: ${label.split('\n')[0]}`);
  });

  await test('Problems panel no longer lists lost-update', async () => {
    // The panel must still be showing, or an empty text would prove nothing.
    await page.locator('.markers-panel').first().waitFor({ state: 'visible', timeout: 5_000 });
    await waitFor('lost-update to leave the Problems panel', async () => {
      const text = await problemsText();
      return !/lost-update/.test(text);
    }, { timeoutMs: 30_000, intervalMs: 500 });
    // The editor still exists and shows the fixed code (the panel did not just vanish).
    await page.locator('.monaco-editor .view-line', { hasText: 'finally' }).first().waitFor({ state: 'visible', timeout: 5_000 });
    await screenshot('fixed');
  });
}

/** The text of every CSS `content` rule in the page: what decorations inject before or after code. */
function injectedText(page) {
  return page.evaluate(() =>
    // eslint-disable-next-line no-undef -- runs in the page
    [...document.styleSheets]
      .flatMap((sheet) => {
        try {
          return [...sheet.cssRules].map((rule) => rule.style?.content ?? '');
        } catch {
          return []; // another origin's sheet
        }
      })
      .filter((content) => content && content !== 'none' && content !== 'normal')
      .join('\n'),
  );
}
