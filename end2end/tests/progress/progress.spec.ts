import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { expect, test } from "@playwright/test";
import { SLT, TEACHER, expectAccessible, openMenuIfPhone, ready, signIn } from "../helpers";
import { lesson } from "../classroom/lesson";

// A teacher opens Progress from the strip, chooses a subject and sorts the
// table with the keyboard.

test("a teacher opens Progress for their class, chooses a subject and sorts by share secured", async ({ page }) => {
  const { group, child } = lesson();
  await signIn(page, TEACHER);
  await openMenuIfPhone(page);
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Progress" }).click();
  await expect(page.getByRole("heading", { name: "Progress", level: 1 })).toBeVisible();
  await ready(page);
  await page.goto(`/progress?group=${group}`);
  await ready(page);

  await page.getByLabel("Subject").selectOption({ label: "Maths" });
  const table = page.getByRole("table", { name: /^Maths in / });
  await expect(table).toBeVisible();
  await expect(table.getByRole("rowheader", { name: child })).toBeVisible();
  const rows = table.getByRole("row");
  // One heading row and a row per pupil, each with a share such as "50% (2 of 4)".
  expect(await rows.count()).toBeGreaterThan(2);
  await expect(table.getByRole("cell", { name: /^\d+% \(\d+ of \d+\)$/ }).first()).toBeVisible();
  await expectAccessible(page);

  // Sorting by share: highest first at the first press, lowest first at the next.
  const share = table.getByRole("button", { name: "Share secured" });
  await share.focus();
  await page.keyboard.press("Enter");
  const heading = table.getByRole("columnheader", { name: /Share secured/ });
  await expect(heading).toHaveAttribute("aria-sort", "descending");
  const shares = async () =>
    (await table.getByRole("cell", { name: /^\d+% / }).allTextContents()).map((t) => parseInt(t, 10));
  const high = await shares();
  expect(high).toEqual([...high].sort((a, b) => b - a));
  await page.keyboard.press("Enter");
  await expect(heading).toHaveAttribute("aria-sort", "ascending");
  const low = await shares();
  expect(low).toEqual([...low].sort((a, b) => a - b));

  // A pupil's name opens their page: every subject, each opening their
  // rows in the markbook, and the way to what their parents see.
  await table.getByRole("link", { name: child }).click();
  await expect(page.getByRole("heading", { name: child, level: 1 })).toBeVisible();
  const subjects = page.getByRole("table", { name: `${child}'s subjects` });
  await expect(subjects.getByRole("rowheader", { name: "Maths" })).toBeVisible();
  await expect(subjects.getByRole("cell", { name: /^(Yes|No|Not yet known)$/ }).first()).toBeVisible();
  // Term by term: each subject's judgement at the end of every term, then
  // now, drawn and described, and as a table on request.
  const trend = page.getByRole("img", { name: "Maths: term by term" });
  await expect(trend).toBeVisible();
  const figure = page.getByRole("figure").filter({ has: trend });
  await figure.getByText("Show as a table").click();
  const terms = figure.getByRole("table", { name: "Maths: term by term" });
  await expect(terms.getByRole("rowheader", { name: "Now" })).toBeVisible();
  await expect(terms.getByRole("rowheader", { name: /^(Autumn|Spring|Summer) \d{4}$/ }).first()).toBeVisible();
  await expectAccessible(page);
  await subjects.getByRole("link", { name: "Maths" }).click();
  await expect(page).toHaveURL(/\/markbook\?group=\d+&subject=\d+/);
});

test("a teacher sets a pupil's target with the keyboard and sees whether they are on track", async ({ page }) => {
  const { group, classmate } = lesson();
  await signIn(page, TEACHER);
  const open = async () => {
    await page.goto(`/progress?group=${group}`);
    await ready(page);
    await page.getByLabel("Subject").selectOption({ label: "Maths" });
    return page.getByRole("table", { name: /^Maths in / });
  };
  let table = await open();
  const target = () => table.getByRole("combobox", { name: `Target for ${classmate}` });
  const save = page.getByRole("button", { name: "Save targets" });
  const status = page.getByRole("status");
  const before = await target().inputValue();
  // Start from no target.
  await target().selectOption({ label: "No target" });
  await save.click();
  await expect(status).toHaveText(/^Targets saved: [01] pupils? changed\.$/);

  table = await open();
  await expect(target()).toHaveValue("");
  // The first level of the scale, with the arrow key; then Tab on to Save.
  const first = (await target().locator("option").nth(1).textContent())!.trim();
  await target().focus();
  await page.keyboard.press("ArrowDown");
  await expect(target()).toHaveValue(/\d+/);
  for (let n = 0; n < 100; n++) {
    if (await save.evaluate((el) => el === document.activeElement)) break;
    await page.keyboard.press("Tab");
  }
  await expect(save).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(status).toHaveText("Targets saved: 1 pupil changed.");
  const row = table.getByRole("row", { name: new RegExp(classmate) });
  await expect(target()).toHaveValue(/\d+/);
  await expect(target().locator("option:checked")).toHaveText(first);
  await expect(row.getByRole("cell", { name: /^(Yes|No|Not yet known)$/ })).toBeVisible();
  await expectAccessible(page);

  // Not on track first: a table sorted by On track lists those pupils first.
  await table.getByRole("button", { name: "On track" }).click();
  await expect(table.getByRole("columnheader", { name: /On track/ })).toHaveAttribute("aria-sort", "ascending");
  const tracks = await table.getByRole("cell", { name: /^(Yes|No|Not yet known)$/ }).allTextContents();
  const order = tracks.map((t) => ({ No: 0, Yes: 1 })[t] ?? 2);
  expect(order).toEqual([...order].sort((a, b) => a - b));

  // Put back what the demo school had.
  table = await open();
  await target().selectOption(before);
  await save.click();
  await expect(status).toHaveText(/^Targets saved: [01] pupils? changed\.$/);
});

test("SLT open Progress for a whole year group and see the spread of judgements and the table", async ({ page }) => {
  const { group, child } = lesson();
  await signIn(page, SLT);
  // The year of the demo parent's child, from their class's own table.
  await page.goto(`/progress?group=${group}`);
  await ready(page);
  await page.getByLabel("Subject").selectOption({ label: "Maths" });
  const classTable = page.getByRole("table", { name: /^Maths in / });
  const childRow = classTable.getByRole("row", { name: new RegExp(child) });
  const year = (await childRow.getByRole("cell", { name: /^(Reception|Year \d+)$/ }).textContent())!.trim();
  // Beside the class's chart, its whole year's.
  await expect(page.getByRole("img", { name: `Judgements in Maths: ${year}` })).toBeVisible();

  await page.getByLabel("Group").selectOption({ label: year });
  const table = page.getByRole("table", { name: `Maths in ${year}` });
  await expect(table).toBeVisible();
  await expect(table.getByRole("rowheader", { name: child })).toBeVisible();
  // SLT read targets in a year's table; they are set group by group.
  await expect(page.getByRole("button", { name: "Save targets" })).toHaveCount(0);
  const chart = page.getByRole("img", { name: `Judgements in Maths: ${year}` });
  await expect(chart).toBeVisible();
  // The chart's figures, as a table too, add up to the pupils listed.
  const pupils = (await table.getByRole("rowheader").count());
  await page.getByRole("figure", { name: /^Judgements in Maths/ }).getByText("Show as a table").click();
  const figures = page.getByRole("table", { name: `Judgements in Maths: ${year}` });
  const counts = (await figures.getByRole("cell").allTextContents()).map((t) => parseInt(t, 10));
  expect(counts.reduce((a, b) => a + b, 0)).toBe(pupils);
  // Against target: every pupil in one of its bars too.
  await page.getByRole("figure", { name: /^Against target in Maths/ }).getByText("Show as a table").click();
  const against = page.getByRole("table", { name: `Against target in Maths: ${year}` });
  await expect(against.getByRole("rowheader", { name: "At target" })).toBeVisible();
  const steps = (await against.getByRole("cell").allTextContents()).map((t) => parseInt(t, 10));
  expect(steps.reduce((a, b) => a + b, 0)).toBe(pupils);
  await expectAccessible(page);
});

/** Says in the test's database what the MIS would: one pupil has SEN support, another none. */
function senOf(group: number, child: string, classmate: string) {
  const database = readFileSync(`${__dirname}/../../../target/e2e-database`, "utf8").trim();
  execFileSync("python3", [
    "-c",
    `import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
for name, sen in ((sys.argv[3], "K"), (sys.argv[4], "N")):
    db.execute("UPDATE pupils SET sen = ? WHERE first_name || ' ' || surname = ?"
               " AND id IN (SELECT pupil_id FROM group_pupils WHERE group_id = ?)", (sen, name, int(sys.argv[2])))
db.commit()`,
    database,
    String(group),
    child,
    classmate,
  ]);
}

test("a teacher shows only the pupils with SEN in Progress and the pupil page says what the MIS holds", async ({ page }) => {
  const { group, child, classmate } = lesson();
  senOf(group, child, classmate);
  await signIn(page, TEACHER);
  await page.goto(`/progress?group=${group}`);
  await ready(page);
  await page.getByLabel("Subject").selectOption({ label: "Maths" });
  const pupils = page.getByLabel("Pupils");
  await pupils.focus();
  await pupils.selectOption({ label: "SEN support or EHC plan" });
  await expect(page).toHaveURL(/pupils=sen/);
  const table = page.getByRole("table", { name: / \(SEN support or EHC plan\)$/ });
  await expect(table.getByRole("rowheader", { name: child })).toBeVisible();
  await expect(table.getByRole("rowheader", { name: classmate })).toHaveCount(0);
  await expect(page.getByRole("img", { name: /\(SEN support or EHC plan\)$/ }).first()).toBeVisible();
  await expect(page.getByRole("link", { name: "Export to Excel" })).toHaveAttribute("href", /pupils=sen/);
  await expectAccessible(page);

  // Back to everyone: the classmate is there again.
  await pupils.selectOption({ label: "All pupils" });
  const everyone = page.getByRole("table", { name: /^Maths in [^(]*$/ });
  await expect(everyone.getByRole("rowheader", { name: classmate })).toBeVisible();

  await everyone.getByRole("link", { name: child }).click();
  await expect(page.getByRole("heading", { name: child, level: 1 })).toBeVisible();
  await expect(page.getByRole("definition").filter({ hasText: "SEN support" })).toBeVisible();
  await expectAccessible(page);
});
