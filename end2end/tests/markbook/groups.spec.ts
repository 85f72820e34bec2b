import { expect, test } from "@playwright/test";
import { ADMIN, expectAccessible, openMenuIfPhone, ready, signIn, TEACHER } from "../helpers";

test("a teacher makes a set of their own and opens it in Markbook", async ({ page, isMobile }) => {
  const name = `Reading Club ${isMobile ? "phone" : "desktop"} ${Date.now() % 100000}`;
  await signIn(page, TEACHER);
  await openMenuIfPhone(page);
  await page.getByRole("link", { name: "Markbook" }).click();
  await ready(page);
  await page.getByRole("main").getByRole("link", { name: "Groups" }).click();
  await expect(page.getByRole("heading", { name: "Groups", level: 1 })).toBeVisible();
  await expectAccessible(page);
  await page.getByRole("link", { name: "New group" }).click();
  await ready(page);

  // Saving with no name says so beside the field, and keeps the pupils chosen.
  await page.getByLabel("Search pupils by forename or surname").fill("smith");
  await expect(page.getByRole("status").first()).toContainText("pupils match");
  const boxes = page.getByRole("group", { name: "Matching pupils" }).getByRole("checkbox");
  await boxes.nth(0).check();
  await boxes.nth(1).check();
  await page.getByRole("button", { name: "Add to List" }).click();
  const chosen = page.getByRole("region", { name: /^Pupils in this group/ }).getByRole("listitem");
  await expect(chosen).toHaveCount(2);
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByText("Enter the group's name.")).toBeVisible();
  await expect(page.getByLabel("Group name")).toHaveAttribute("aria-invalid", "true");
  await expect(chosen).toHaveCount(2);
  await expectAccessible(page);

  await page.getByLabel("Group name").fill(name);
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByText("Group created.")).toBeVisible();
  // Its form opens again with what was saved.
  await page.getByRole("link", { name: `Edit ${name}` }).click();
  await ready(page);
  await expect(page.getByLabel("Group name")).toHaveValue(name);
  await expect(chosen).toHaveCount(2);
  await expectAccessible(page);
  await page.goBack();
  await ready(page);
  await page.getByRole("link", { name, exact: true }).click();
  await ready(page);
  await expect(page.getByLabel("Group", { exact: true }).getByRole("option", { selected: true })).toHaveText(name);
  // Its two pupils: the grid's rows headed by a pupil's name.
  await expect(page.getByRole("grid").getByRole("row").filter({ has: page.getByRole("rowheader") })).toHaveCount(2);
});

test("an admin edits a framework: adds a criterion, and the page passes axe", async ({ page, isMobile }) => {
  const statement = `Explains a method ${isMobile ? "phone" : "desktop"} ${Date.now() % 100000}`;
  await signIn(page, ADMIN);
  await page.goto("/frameworks?subject=3&year=4");
  await ready(page);
  await expect(page.getByRole("heading", { name: "Criteria: Maths, Year 4" })).toBeVisible();
  await expectAccessible(page);
  await page.getByLabel("Strand").fill("Number and place value");
  await page.getByLabel("Statement").fill(statement);
  await page.getByRole("button", { name: "Add criterion" }).click();
  const row = page.getByRole("row", { name: new RegExp(statement) });
  await expect(row).toBeVisible();
  await row.getByRole("button", { name: /^Retire/ }).click();
  await expect(row).toContainText("Retired");
  await openMenuIfPhone(page);
  await page.getByRole("link", { name: "Markbook" }).click();
  await ready(page);
  await expect(page.getByRole("grid")).toBeVisible();
});
