import { expect, Locator, Page, test } from "@playwright/test";
import { ADMIN, expectAccessible, openMenuIfPhone, ready, signIn } from "../helpers";

/** Signs the admin in and opens Parents from the strip. */
async function openParents(page: Page) {
  await signIn(page, ADMIN);
  await openMenuIfPhone(page);
  await page.getByRole("link", { name: "Parents" }).click();
  await expect(page.getByRole("heading", { name: "Parents", level: 1 })).toBeVisible();
  await ready(page);
}

/** The first `count` pupils a search finds, by the labels of their tick boxes. */
async function searchPupils(page: Page, text: string) {
  const search = page.getByLabel("Search pupils by forename or surname");
  await search.fill(text);
  const results = page.getByRole("group", { name: "Matching pupils" });
  await expect(results).toBeVisible();
  // The search's live region is read out with the box, after its hint.
  await expect(search).toHaveAccessibleDescription(/match|Showing/);
  return results;
}

/**
 * The access codes in `scope`: each is the definition after an "Access code"
 * term (a definition has no name of its own to find it by).
 */
function accessCodes(scope: Locator): Locator {
  return scope.getByRole("term").filter({ hasText: "Access code" }).locator("xpath=following-sibling::*[1]");
}

test("an admin adds a parent with two children, then removes one", async ({ page }, info) => {
  const surname = `Brook-${info.project.name}`;
  await openParents(page);
  await expectAccessible(page);

  await page.getByRole("link", { name: "Add New" }).click();
  await expect(page.getByRole("heading", { name: "Add parent" })).toBeVisible();
  await ready(page);
  await expectAccessible(page);
  await page.getByLabel("First name").fill("Joanna");
  await page.getByLabel("Surname", { exact: true }).fill(surname);
  await page.getByLabel("Email address").fill(`joanna.${info.project.name}@mail.example`);

  const results = await searchPupils(page, "Smith");
  const boxes = results.getByRole("checkbox");
  expect(await boxes.count()).toBeGreaterThanOrEqual(2);
  const first = (await results.getByRole("strong").nth(0).textContent())!;
  const second = (await results.getByRole("strong").nth(1).textContent())!;
  await boxes.nth(0).check();
  await boxes.nth(1).check();
  await expectAccessible(page);
  await page.getByRole("button", { name: "Add to List" }).click();

  const list = page.getByRole("region", { name: "Children linked to this parent" });
  await expect(list.getByText(first, { exact: true })).toBeVisible();
  await expect(list.getByText(second, { exact: true })).toBeVisible();
  // Already in the list: the search shows it and won't add it twice.
  await expect(boxes.nth(0)).toBeDisabled();
  await page.getByRole("button", { name: "Add to List" }).click();
  await expect(list.getByRole("listitem")).toHaveCount(2);

  await list.getByLabel(`Relationship to ${first.split(" ")[0]}`).selectOption("mother");
  await list.getByLabel(`Relationship to ${second.split(" ")[0]}`).selectOption("mother");
  await expectAccessible(page);
  await page.getByRole("button", { name: "Save", exact: true }).click();

  await expect(page.getByRole("heading", { name: `Joanna ${surname}` })).toBeVisible();
  await expect(page.getByRole("status").first()).toContainText("Saved");
  await ready(page);
  await expectAccessible(page);

  // The list shows her with both children.
  await page.goto(`/parents?q=${encodeURIComponent(surname)}`);
  await ready(page);
  const row = page.getByRole("row", { name: new RegExp(`Joanna ${surname}`) });
  await expect(row).toContainText(first);
  await expect(row).toContainText(second);

  // Edit: take one child away and save.
  await row.getByRole("link", { name: `Edit Joanna ${surname}` }).click();
  await expect(page.getByRole("heading", { name: `Joanna ${surname}` })).toBeVisible();
  await ready(page);
  await page.getByRole("button", { name: `Remove ${second}` }).click();
  await expect(list.getByRole("listitem")).toHaveCount(1);
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(page.getByRole("status").first()).toContainText("Saved");
  await page.goto(`/parents?q=${encodeURIComponent(surname)}`);
  await ready(page);
  await expect(row).toContainText(first);
  await expect(row).not.toContainText(second);
});

test("an invalid email keeps everything typed and chosen", async ({ page }, info) => {
  await openParents(page);
  await page.getByRole("link", { name: "Add New" }).click();
  await ready(page);
  await page.getByLabel("First name").fill("Marek");
  await page.getByLabel("Surname", { exact: true }).fill(`Nowak-${info.project.name}`);
  await page.getByLabel("Email address").fill("marek.nowak@");
  const results = await searchPupils(page, "Smith");
  const name = (await results.getByRole("strong").first().textContent())!;
  await results.getByRole("checkbox").first().check();
  await page.getByRole("button", { name: "Add to List" }).click();
  await page.getByRole("button", { name: "Save", exact: true }).click();

  // Read out with the field, after its hint (which mentions an email address too).
  await expect(page.getByLabel("Email address")).toHaveAccessibleDescription(/on their letter\. .*email address/);
  await expect(page.getByLabel("Email address")).toHaveAttribute("aria-invalid", "true");
  await expect(page.getByLabel("First name")).toHaveValue("Marek");
  await expect(page.getByLabel("Surname", { exact: true })).toHaveValue(`Nowak-${info.project.name}`);
  await expect(page.getByLabel("Email address")).toHaveValue("marek.nowak@");
  const list = page.getByRole("region", { name: "Children linked to this parent" });
  await expect(list.getByText(name, { exact: true })).toBeVisible();
  await expectAccessible(page);

  // The relationship starts as "Parent", so with the email fixed it saves.
  await page.getByLabel("Email address").fill("");
  const relationship = list.getByLabel(`Relationship to ${name.split(" ")[0]}`);
  await expect(relationship).toHaveValue("parent");
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(page.getByRole("heading", { name: `Marek Nowak-${info.project.name}` })).toBeVisible();
});

test("a parent is linked to three children with the keyboard alone", async ({ page }, info) => {
  test.skip(info.project.name === "phone", "keyboard journeys are for desktop");
  await openParents(page);
  await page.getByRole("link", { name: "Add New" }).click();
  await ready(page);
  await page.getByLabel("First name").focus();
  await page.keyboard.type("Keisha");
  await page.keyboard.press("Tab");
  await page.keyboard.type("Okafor-keys");
  await page.keyboard.press("Tab");
  await page.keyboard.type("keisha.okafor@mail.example");
  await page.keyboard.press("Tab"); // Status
  await page.keyboard.press("Tab"); // pupil search
  await expect(page.getByLabel("Search pupils by forename or surname")).toBeFocused();
  await page.keyboard.type("Smith");
  await page.keyboard.press("Enter"); // must not submit the form
  await expect(page.getByLabel("Search pupils by forename or surname")).toHaveAccessibleDescription(/match|Showing/);
  for (let i = 0; i < 3; i++) {
    await page.keyboard.press("Tab");
    await page.keyboard.press("Space");
  }
  const ticked = page.getByRole("group", { name: "Matching pupils" }).getByRole("checkbox", { checked: true });
  await expect(ticked).toHaveCount(3);
  // On past the remaining results to "Add to List".
  const add = page.getByRole("button", { name: "Add to List" });
  for (let i = 0; i < 40 && !(await add.evaluate((el) => el === document.activeElement)); i++) {
    await page.keyboard.press("Tab");
  }
  await expect(add).toBeFocused();
  await page.keyboard.press("Enter");
  const list = page.getByRole("region", { name: "Children linked to this parent" });
  await expect(list.getByRole("listitem")).toHaveCount(3);
  await expect(page.getByText("3 pupils added to the list.")).toBeAttached();
  // Each child: relationship by typing, parental responsibility stays ticked.
  const selects = list.getByRole("combobox");
  for (let i = 0; i < 3; i++) {
    await selects.nth(i).focus();
    await page.keyboard.type("Carer");
    await expect(selects.nth(i)).toHaveValue("carer");
  }
  const save = page.getByRole("button", { name: "Save", exact: true });
  await save.focus();
  await page.keyboard.press("Enter");
  await expect(page.getByRole("heading", { name: "Keisha Okafor-keys" })).toBeVisible();
  await ready(page);
  await expect(page.getByRole("region", { name: "Children linked to this parent" }).getByRole("listitem")).toHaveCount(3);
});

test("letters carry a fresh access code and QR code per child", async ({ page }) => {
  await openParents(page);
  await page.getByLabel("Search by parent's or child's name, or email").fill("Aisha Khan");
  await page.getByRole("button", { name: "Search" }).click();
  await ready(page);
  await page.getByRole("link", { name: "Edit Aisha Khan" }).click();
  await expect(page.getByRole("heading", { name: "Aisha Khan" })).toBeVisible();
  await ready(page);
  await expectAccessible(page);

  await page.getByRole("link", { name: "Print letters" }).click();
  await expect(page.getByRole("heading", { name: "Print letters" })).toBeVisible();
  await ready(page);
  await expect(page.getByText("Codes on earlier letters for these parents keep working until you confirm these letters printed.")).toBeVisible();
  await expectAccessible(page);
  await page.getByRole("button", { name: "Make letters" }).click();
  await expect(page.getByText("1 letter is ready.")).toBeVisible();
  const letter = page.getByRole("article");
  await expect(letter).toContainText("Dear Aisha Khan");
  const codes = accessCodes(letter);
  await expect(codes).toHaveCount(2);
  const [a, b] = [await codes.nth(0).textContent(), await codes.nth(1).textContent()];
  expect(a).toMatch(/^[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}$/);
  expect(a).not.toEqual(b);
  await expect(letter.getByRole("img", { name: /QR code of the sign-up link/ })).toHaveCount(2);
  await expectAccessible(page);
  // Once the letters are in hand, codes on earlier letters stop working.
  await page.getByRole("button", { name: "Letters printed: these letters" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Confirmed. Only the codes on these letters work now" })).toBeVisible();
  await expectAccessible(page);

  // Reissuing one code shows the new one once.
  await page.goto("/parents");
  await ready(page);
  await page.getByLabel("Search by parent's or child's name, or email").fill("parent@oakfield.example");
  await page.getByRole("button", { name: "Search" }).click();
  await ready(page);
  await page.getByRole("link", { name: "Edit Aisha Khan" }).click();
  await ready(page);
  await expect(page.getByText(/Code made/).first()).toBeVisible();
  await page.getByRole("button", { name: /Reissue code for/ }).first().click();
  const notice = page.getByRole("status").filter({ hasText: "New access code" });
  await expect(notice).toBeVisible();
  const reissued = await notice.getByRole("strong").textContent();
  expect(reissued).not.toEqual(a);
  await expectAccessible(page);

  // A child's name opens the pupil's own page.
  const child = page
    .getByRole("listitem")
    .filter({ has: page.getByRole("button", { name: /Reissue code for/ }) })
    .getByRole("link")
    .first();
  const name = (await child.textContent())!.trim();
  await child.click();
  await expect(page.getByRole("heading", { name, level: 1 })).toBeVisible();
  await expect(page.getByRole("table", { name: `${name}'s subjects` })).toBeVisible();
});

test("a parent signs up on a phone with the code from their letter", async ({ page, browser }, info) => {
  test.skip(info.project.name === "desktop", "the parent's side is tried on the phone");
  await openParents(page);
  // A parent who hasn't signed up, with a child whose date of birth the form shows.
  await page.getByLabel("Status").selectOption("active");
  await page.getByLabel("Search by parent's or child's name, or email").fill("Patel");
  await page.getByRole("button", { name: "Search" }).click();
  await ready(page);
  // A row of the search's answer, not of the list it replaces.
  const row = page
    .getByRole("row")
    .filter({ hasText: /Patel/i })
    .filter({ hasText: "Not yet" })
    .filter({ hasText: "Year" })
    .first();
  const name = (await row.getByRole("rowheader").textContent())!;
  await row.getByRole("link", { name: `Edit ${name}` }).click();
  await expect(page.getByRole("heading", { name })).toBeVisible();
  await ready(page);
  const child = page.getByRole("region", { name: "Children linked to this parent" }).getByRole("listitem").first();
  const born = (await child.textContent())!.match(/born (\d\d\/\d\d\/\d{4})/)![1];
  const childName = (await child.getByRole("strong").textContent())!;
  await page.getByRole("link", { name: "Print letters" }).click();
  await ready(page);
  await page.getByRole("button", { name: "Make letters" }).click();
  // The child's part of the letter: their QR code and, beside it, their access code.
  const qr = page.getByRole("img", { name: `QR code of the sign-up link for ${childName}`, exact: true });
  const code = (await accessCodes(qr.locator("..")).textContent())!;

  const context = await browser.newContext({ viewport: page.viewportSize() ?? undefined });
  const parent = await context.newPage();
  await parent.goto(`/sign-up?code=${code}`);
  await ready(parent);
  await expect(parent.getByRole("heading", { name: "Sign up as a parent" })).toBeVisible();
  await expect(parent.getByLabel("Access code")).toHaveValue(code);
  await expectAccessible(parent);
  // A wrong date of birth: a clear message, and nothing typed is lost.
  await parent.getByLabel("Your child's date of birth").fill("01/01/2001");
  await parent.getByLabel("Your first name").fill("Nina");
  await parent.getByLabel("Your surname").fill("Patel");
  await parent.getByLabel("Email address").fill(`nina.patel.${info.project.name}@mail.example`);
  await parent.getByLabel("New password", { exact: true }).fill("maple-bridge-77");
  await parent.getByLabel("Type the new password again").fill("maple-bridge-77");
  await parent.getByRole("button", { name: "Sign up" }).click();
  await expect(parent.getByRole("alert").filter({ hasText: "don't match" })).toBeVisible();
  await expect(parent.getByLabel("Your first name")).toHaveValue("Nina");
  await expectAccessible(parent);
  await parent.getByLabel("Your child's date of birth").fill(born);
  await parent.getByLabel("New password", { exact: true }).fill("maple-bridge-77");
  await parent.getByLabel("Type the new password again").fill("maple-bridge-77");
  await parent.getByRole("button", { name: "Sign up" }).click();
  await expect(parent).toHaveURL(/\/sign-in\?done=signed-up/);
  await ready(parent);
  await parent.getByLabel("Email address").fill(`nina.patel.${info.project.name}@mail.example`);
  await parent.getByLabel("Password").fill("maple-bridge-77");
  await parent.getByRole("button", { name: "Sign in" }).click();
  await expect(parent.getByRole("heading", { name: "Your children" })).toBeVisible();
  await expect(parent.getByText(childName)).toBeVisible();
  await context.close();
});
