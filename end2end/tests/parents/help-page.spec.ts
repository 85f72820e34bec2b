import { expect, Page, test } from "@playwright/test";
import { ADMIN, expectAccessible, openMenuIfPhone, ready, signIn } from "../helpers";

// The journey of the help page every school office knows, step by step with
// its labels: Parents → Add New → name and email → search → tick two →
// Add to List → Save.

async function addNew(page: Page) {
  await signIn(page, ADMIN);
  await openMenuIfPhone(page);
  await page.getByRole("link", { name: "Parents" }).click();
  await ready(page);
  await page.getByRole("link", { name: "Add New" }).click();
  await expect(page.getByRole("heading", { name: "Add parent" })).toBeVisible();
  await ready(page);
}

test("the help page's journey ends at Save, with no other step", async ({ page }, info) => {
  const surname = `Smithson-${info.project.name}`;
  await addNew(page);
  await page.getByLabel("First name").fill("Helen");
  await page.getByLabel("Surname", { exact: true }).fill(surname);
  await page.getByLabel("Email address").fill(`helen.${info.project.name}@help.example`);
  const search = page.getByLabel("Search pupils by forename or surname");
  await search.fill("Smith");
  const results = page.getByRole("group", { name: "Matching pupils" });
  await expect(search).toHaveAccessibleDescription(/match|Showing/);
  const boxes = results.getByRole("checkbox");
  const names = results.getByRole("strong");
  const first = (await names.nth(0).textContent())!;
  const second = (await names.nth(1).textContent())!;
  await boxes.nth(0).check();
  await boxes.nth(1).check();
  await page.getByRole("button", { name: "Add to List" }).click();
  await page.getByRole("button", { name: "Save", exact: true }).click();

  await expect(page.getByRole("heading", { name: `Helen ${surname}` })).toBeVisible();
  await expect(page.getByRole("status").first()).toContainText("Saved");
  await ready(page);
  const list = page.getByRole("region", { name: "Children linked to this parent" });
  await expect(list.getByRole("listitem")).toHaveCount(2);
  await expect(list.getByText(first, { exact: true })).toBeVisible();
  await expect(list.getByText(second, { exact: true })).toBeVisible();
  // Saved as "Parent", with parental responsibility.
  for (const name of [first, second]) {
    const child = name.split(" ")[0];
    await expect(list.getByLabel(`Relationship to ${child}`)).toHaveValue("parent");
  }
  await expect(list.getByRole("checkbox", { name: "Parental responsibility" }).first()).toBeChecked();
  await expectAccessible(page);
});

test("a form with three mistakes shows all three, and focus goes to the first", async ({ page }) => {
  await addNew(page);
  await page.getByLabel("First name").fill("   ");
  await page.getByLabel("Email address").fill("helen@");
  await page.getByRole("button", { name: "Save", exact: true }).click();

  await expect(page.getByLabel("First name")).toHaveAttribute("aria-invalid", "true");
  await expect(page.getByLabel("Surname", { exact: true })).toHaveAttribute("aria-invalid", "true");
  await expect(page.getByLabel("Email address")).toHaveAttribute("aria-invalid", "true");
  await expect(page.getByText("Enter the first name.")).toBeVisible();
  await expect(page.getByText("Enter the surname.")).toBeVisible();
  await expect(page.getByText("Enter an email address in the right form, like name@example.com.")).toBeVisible();
  await expect(page.getByLabel("First name")).toBeFocused();
  // What was typed stays.
  await expect(page.getByLabel("Email address")).toHaveValue("helen@");
  await expectAccessible(page);
});
