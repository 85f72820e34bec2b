import { expect, Locator, Page, test } from "@playwright/test";
import { ADMIN, expectAccessible, openMenuIfPhone, ready, signIn, SLT, TEACHER } from "../helpers";
import { lesson } from "../classroom/lesson";

const LABELS: Record<string, string> = { "1": "Working towards", "2": "Expected", "3": "Greater depth" };

/** Opens Markbook from the strip and shows `group` in `subject`. */
async function openMarkbook(page: Page, group: string, subject: string) {
  await openMenuIfPhone(page);
  await page.getByRole("link", { name: "Markbook" }).click();
  await expect(page.getByRole("heading", { name: "Markbook", level: 1 })).toBeVisible();
  await ready(page);
  await choose(page, "Group", group);
  await choose(page, "Subject", subject);
}

async function choose(page: Page, label: string, option: string) {
  const select = page.getByLabel(label, { exact: true });
  const chosen = await select.getByRole("option", { selected: true }).textContent();
  if (chosen !== option) {
    await select.selectOption({ label: option });
  }
  await expect(grid(page)).toBeVisible();
  // The grid is named by its caption: "3 Oak, Writing".
  await expect(grid(page).getByRole("caption")).toContainText(option);
}

function grid(page: Page): Locator {
  return page.getByRole("grid");
}

/** The grid's rows of pupils, each headed by the pupil's name. */
function pupilRows(page: Page): Locator {
  return grid(page).getByRole("row").filter({ has: page.getByRole("rowheader") });
}

/** The judgement cell of pupil row `r` and criterion column `c` (both from 0). */
function cell(page: Page, r: number, c: number): Locator {
  return pupilRows(page).nth(r).getByRole("gridcell").nth(c);
}

/** What each cell of the first `rows` × `cols` says: "2", or "" when empty. */
async function keys(page: Page, rows: number, cols: number): Promise<string[][]> {
  return grid(page).evaluate(
    (table, [rows, cols]) =>
      Array.from((table as HTMLTableElement).tBodies[0].rows)
        .slice(0, rows)
        .map((row) =>
          Array.from(row.cells)
            .slice(1, cols + 1)
            .map((td) => (td.childNodes[0]?.nodeType === Node.TEXT_NODE ? td.childNodes[0].textContent ?? "" : "").trim()),
        ),
    [rows, cols],
  );
}

async function allSaved(page: Page) {
  // The line under the toolbar (it has no role: it isn't a live region).
  await expect(page.getByText("All changes saved.", { exact: true })).toBeVisible();
}

test("a teacher enters 60 judgements with the keyboard alone, and every one is there after a reload", async ({ page }) => {
  await signIn(page, TEACHER);
  await openMarkbook(page, "3 Oak", "Writing");
  const pupils = await pupilRows(page).count();
  expect(pupils).toBe(25);

  // Into the grid with Tab (one tab stop), then only keys.
  await page.getByLabel("Strand", { exact: true }).focus();
  let tabs = 0;
  while (!(await grid(page).evaluate((table) => table.contains(document.activeElement))) && tabs < 40) {
    await page.keyboard.press("Tab");
    tabs++;
  }
  await expect(cell(page, 0, 0)).toBeFocused();

  // Down each criterion: after the last pupil, on to the top of the next.
  const typed: string[] = [];
  for (let i = 0; i < 60; i++) {
    const key = String(((i * 7 + 3) % 3) + 1);
    typed.push(key);
    await page.keyboard.press(key);
  }
  await expect(cell(page, 10, 2)).toBeFocused();
  await allSaved(page);

  await page.reload();
  await ready(page);
  const after = await keys(page, 25, 3);
  const expected = typed.map((_, i) => typed[i]);
  for (let i = 0; i < 60; i++) {
    const [r, c] = [i % 25, Math.floor(i / 25)];
    expect(after[r][c], `pupil ${r + 1}, criterion ${c + 1}`).toBe(expected[i]);
  }
  // The screen reader's name for a cell carries its label.
  await expect(cell(page, 0, 0)).toHaveAccessibleName(`${typed[0]} ${LABELS[typed[0]]}`);

  // Arrow keys, Delete and the cell's history, still without a mouse.
  await cell(page, 0, 0).focus();
  await page.keyboard.press("ArrowRight");
  await page.keyboard.press("ArrowDown");
  await expect(cell(page, 1, 1)).toBeFocused();
  await page.keyboard.press("End");
  await page.keyboard.press("Home");
  await expect(pupilRows(page).nth(1).getByRole("rowheader")).toBeFocused();
  await page.keyboard.press("ArrowRight");
  await page.keyboard.press("Delete");
  await expect(cell(page, 1, 0)).not.toContainText(/\d/);
  await page.keyboard.press("ArrowUp");
  await page.keyboard.press("h");
  await expect(page.getByRole("heading", { name: /^History: / })).toBeVisible();
  await expect(
    page.getByRole("region", { name: /^History: / }).getByRole("listitem").first(),
  ).toContainText("by Rebecca Jones");
  await page.keyboard.press("Escape");
  await expect(page.getByRole("heading", { name: /^History: / })).toHaveCount(0);
  await allSaved(page);
  await expectAccessible(page);
});

test("a block pasted from a spreadsheet fills the cells from the focused one", async ({ page }) => {
  await signIn(page, TEACHER);
  await openMarkbook(page, "3 Oak", "Maths");
  // To the third pupil's second criterion (on a phone the sticky header and
  // names leave Playwright no point to tap, so this uses the keys).
  await cell(page, 0, 0).focus();
  for (const key of ["ArrowDown", "ArrowDown", "ArrowRight"]) await page.keyboard.press(key);
  await expect(cell(page, 2, 1)).toBeFocused();
  // Three pupils by four criteria: keys, a label, initials and an empty cell.
  const block = "1\t2\t3\t2\r\n2\tGD\tExpected\t\r\n3\t3\t2\t1\r\n";
  await page.evaluate((text) => {
    const data = new DataTransfer();
    data.setData("text/plain", text);
    document.activeElement!.dispatchEvent(new ClipboardEvent("paste", { clipboardData: data, bubbles: true, cancelable: true }));
  }, block);
  await expect(page.getByRole("status").last()).toHaveText("Pasted 12 judgements.");
  const want = [
    ["1", "2", "3", "2"],
    ["2", "3", "2", ""],
    ["3", "3", "2", "1"],
  ];
  const read = async () => (await keys(page, 5, 5)).slice(2, 5).map((row) => row.slice(1, 5));
  expect(await read()).toEqual(want);
  await allSaved(page);
  await page.reload();
  await ready(page);
  expect(await read()).toEqual(want);
});

test("a change made by another teacher appears in an open grid without reloading", async ({ browser }) => {
  const teacherContext = await browser.newContext();
  const adminContext = await browser.newContext();
  const teacher = await teacherContext.newPage();
  const admin = await adminContext.newPage();
  await signIn(teacher, TEACHER);
  await openMarkbook(teacher, "3 Oak", "Reading");
  await signIn(admin, ADMIN);
  await openMarkbook(admin, "3 Oak", "Reading");
  await expect(admin.getByLabel("Year", { exact: true })).toHaveValue("3");
  // Each grid keeps a live connection; give the admin's a moment to open.
  await admin.waitForTimeout(300);

  // The teacher sets a cell to something other than what it holds.
  await cell(teacher, 4, 3).click();
  const before = (await keys(teacher, 5, 4))[4][3];
  const next = before === "3" ? "1" : String(Number(before || "0") + 1);
  await teacher.keyboard.press(next);
  await expect(cell(admin, 4, 3)).toHaveAccessibleName(`${next} ${LABELS[next]}`);
  await expect(cell(admin, 4, 3)).toHaveText(new RegExp(`^${next}`));

  // And the other way round, on the same cell: the last write wins for both.
  const last = next === "2" ? "3" : "2";
  await cell(admin, 4, 3).click();
  await admin.keyboard.press(last);
  await expect(cell(teacher, 4, 3)).toHaveText(new RegExp(`^${last}`));
  await allSaved(teacher);
  await allSaved(admin);
  await teacherContext.close();
  await adminContext.close();
});

test("SLT read a class they don't teach without being able to change it", async ({ page }) => {
  await signIn(page, SLT);
  await openMarkbook(page, "5 Ash", "Maths");
  await expect(page.getByText("You can read this group's markbook.")).toBeVisible();
  await expect(grid(page)).toHaveAttribute("aria-readonly", "true");
  const before = await keys(page, 1, 1);
  await cell(page, 0, 0).focus();
  await page.keyboard.press("3");
  await expect(page.getByRole("status").last()).toHaveText("This markbook is read-only for your account.");
  expect(await keys(page, 1, 1)).toEqual(before);
  await expectAccessible(page);
});

test("a cell clicked and a key typed before the page is interactive are kept and saved", async ({ page }) => {
  await signIn(page, TEACHER);
  await openMarkbook(page, "3 Oak", "Writing");
  const address = page.url();
  // The WebAssembly arrives late, as on a slow connection, so the click and
  // the key certainly come first.
  await page.route("**/*.wasm", async (route) => {
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await route.continue();
  });
  await page.goto(address, { waitUntil: "commit" });
  const target = cell(page, 24, 4);
  await expect(target).toBeVisible();
  const before = (await keys(page, 25, 5))[24][4];
  const key = before === "3" ? "1" : "3";
  expect(await page.locator("html[data-hydrated]").count()).toBe(0);
  await target.click();
  await page.keyboard.press(key);
  expect(await page.locator("html[data-hydrated]").count()).toBe(0);

  await ready(page);
  await expect.poll(async () => (await keys(page, 25, 5))[24][4]).toBe(key);
  await allSaved(page);
  await page.unroute("**/*.wasm");
  await page.reload();
  await ready(page);
  expect((await keys(page, 25, 5))[24][4]).toBe(key);
  await expect(target).toHaveAccessibleName(`${key} ${LABELS[key]}`);
});

test("Enter on a pupil's name in the grid opens their page, and the name is a link", async ({ page }) => {
  const { group, child } = lesson();
  await signIn(page, TEACHER);
  await page.goto(`/markbook?group=${group}`);
  await ready(page);
  await choose(page, "Subject", "Maths");
  const row = pupilRows(page).filter({ has: page.getByRole("rowheader", { name: new RegExp(`^${child}`) }) });
  await row.getByRole("gridcell").first().click();
  await page.keyboard.press("Home");
  await expect(row.getByRole("rowheader")).toBeFocused();
  // The link is no tab stop of its own: the grid is one.
  await expect(row.getByRole("link", { name: child })).toHaveAttribute("tabindex", "-1");
  await page.keyboard.press("Enter");
  await expect(page.getByRole("heading", { name: child, level: 1 })).toBeVisible();
  await expect(page.getByRole("table", { name: `${child}'s subjects` })).toBeVisible();
});
