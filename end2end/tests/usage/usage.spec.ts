import { readFileSync } from "node:fs";
import { expect, test } from "@playwright/test";
import { expectAccessible, openMenuIfPhone, ready, signIn, SLT, TEACHER } from "../helpers";

const MONTHS = [
  "January", "February", "March", "April", "May", "June",
  "July", "August", "September", "October", "November", "December",
];

test("SLT opens School Usage, changes month and year without a reload, and exports", async ({ page }) => {
  await signIn(page, SLT);
  await page.getByRole("main").getByRole("link", { name: "School Usage" }).click();
  await expect(page.getByRole("heading", { name: "School Usage", level: 1 })).toBeVisible();
  await ready(page);

  // This calendar month by default.
  const now = new Date();
  const thisMonth = `${MONTHS[now.getMonth()]} ${now.getFullYear()}`;
  const table = page.getByRole("table");
  await expect(table).toHaveAccessibleName(`Usage in ${thisMonth}`);
  await expect(page.getByLabel("Month")).toHaveValue(String(now.getMonth() + 1));
  await expect(page.getByLabel("Year")).toHaveValue(String(now.getFullYear()));
  await expect(table.getByRole("rowheader", { name: "Helen Whitaker" })).toBeVisible();
  await expectAccessible(page);

  // A marker that a reload would wipe.
  await page.evaluate(() => ((window as unknown as { stillHere: boolean }).stillHere = true));

  // This month last year (the demo school has a year of history)...
  const lastYear = String(now.getFullYear() - 1);
  await page.getByLabel("Year").selectOption(lastYear);
  const sameMonthLastYear = `${MONTHS[now.getMonth()]} ${lastYear}`;
  await expect(table).toHaveAccessibleName(`Usage in ${sameMonthLastYear}`);
  await expect(page).toHaveURL(new RegExp(`year=${lastYear}`));
  // ...then another month of that year: the table follows each drop-down at once.
  const other = (now.getMonth() + 6) % 12;
  await page.getByLabel("Month").selectOption(MONTHS[other]);
  const yearBefore = `${MONTHS[other]} ${lastYear}`;
  await expect(table).toHaveAccessibleName(`Usage in ${yearBefore}`);
  await expect(page.getByRole("status")).toHaveText(/people · /);
  expect(await page.evaluate(() => (window as unknown as { stillHere?: boolean }).stillHere)).toBe(true);
  await expectAccessible(page);

  // Back shows the month seen before, drop-downs included.
  await page.goBack();
  await expect(table).toHaveAccessibleName(`Usage in ${sameMonthLastYear}`);
  await expect(page.getByLabel("Month")).toHaveValue(String(now.getMonth() + 1));
  await page.goForward();
  await expect(table).toHaveAccessibleName(`Usage in ${yearBefore}`);
  await expect(page.getByLabel("Month")).toHaveValue(String(other + 1));

  // Sorting by a column: most sign-ins first, announced on the heading.
  await table.getByRole("button", { name: "Sign-ins" }).click();
  await expect(table.getByRole("columnheader", { name: "Sign-ins" })).toHaveAttribute("aria-sort", "descending");
  // The people's rows (the body, between the column headings and the totals):
  // after each name come Role, then Sign-ins.
  const signIns: number[] = [];
  for (const row of await table.getByRole("rowgroup").nth(1).getByRole("row").all()) {
    signIns.push(Number(await row.getByRole("cell").nth(1).innerText()));
  }
  expect(signIns.length).toBeGreaterThan(3);
  expect([...signIns].sort((a, b) => b - a)).toEqual(signIns);

  // Export to Excel: the selected month, as a real .xlsx (a zip: "PK").
  const downloading = page.waitForEvent("download");
  await page.getByRole("link", { name: "Export to Excel" }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toBe(
    `Oakfield Primary School - School Usage - ${yearBefore} - Staff.xlsx`,
  );
  const file = readFileSync((await download.path())!);
  expect(file.subarray(0, 2).toString()).toBe("PK");
  expect(file.length).toBeGreaterThan(4000);
});

test("a teacher has no School Usage", async ({ page }) => {
  await signIn(page, TEACHER);
  await openMenuIfPhone(page);
  await expect(page.getByRole("link", { name: "Settings" })).toBeVisible();
  await expect(page.getByRole("link", { name: "School Usage" })).toHaveCount(0);
  await page.goto("/school-usage");
  await ready(page);
  await expect(page.getByRole("heading", { name: "Not available to your account" })).toBeVisible();
  await expect(page.getByRole("heading", { name: "School Usage" })).toHaveCount(0);
  await expect(page.getByRole("table")).toHaveCount(0);
  await expectAccessible(page);
});

test("Markwell can be installed as an app, so School Usage can tell app from browser", async ({ page }) => {
  await page.goto("/sign-in");
  const href = await page.locator('link[rel="manifest"]').getAttribute("href");
  expect(href).toBe("/manifest.webmanifest");
  const response = await page.request.get(href!);
  expect(response.ok()).toBe(true);
  const manifest = await response.json();
  expect(manifest.display).toBe("standalone");
  expect(manifest.start_url).toBe("/");
  // The sign-in form says which: "browser" here, "app" when run installed.
  await ready(page);
  await expect(page.locator('input[name="client"]')).toHaveValue("browser");
});
