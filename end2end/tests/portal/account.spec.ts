import { Browser, expect, Locator, Page, test } from "@playwright/test";
import { ADMIN, TEACHER, expectAccessible, openMenuIfPhone, ready, signIn } from "../helpers";

// A parent's own account, on a phone: a school that holds one parent twice,
// Add pupil, the child switcher, Where you're signed in and Delete account.

/** The access code beside a letter's QR code for `child`. */
async function codeOnLetter(page: Page, child: string): Promise<string> {
  const qr = page.getByRole("img", { name: `QR code of the sign-up link for ${child}`, exact: true });
  const codes = qr.locator("..").getByRole("term").filter({ hasText: "Access code" });
  return (await codes.locator("xpath=following-sibling::*[1]").textContent())!;
}

/**
 * Adds a parent record linked to the `nth` pupil a search finds, prints its
 * letter, and answers the child's name, date of birth and access code.
 */
async function recordWithLetter(page: Page, surname: string, email: string, nth: number) {
  await openMenuIfPhone(page);
  await page.getByRole("link", { name: "Parents" }).click();
  await ready(page);
  await page.getByRole("link", { name: "Add New" }).click();
  await ready(page);
  await page.getByLabel("First name").fill("Dana");
  await page.getByLabel("Surname", { exact: true }).fill(surname);
  await page.getByLabel("Email address").fill(email);
  const search = page.getByLabel("Search pupils by forename or surname");
  await search.fill("an");
  await expect(search).toHaveAccessibleDescription(/match|Showing/);
  const results = page.getByRole("group", { name: "Matching pupils" });
  await results.getByRole("checkbox").nth(nth).check();
  await page.getByRole("button", { name: "Add to List" }).click();
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(page.getByRole("heading", { name: `Dana ${surname}` })).toBeVisible();
  await ready(page);
  const child = page.getByRole("region", { name: "Children linked to this parent" }).getByRole("listitem").first();
  const born = (await child.textContent())!.match(/born (\d\d\/\d\d\/\d{4})/)![1];
  const name = (await child.getByRole("strong").textContent())!;
  await page.getByRole("link", { name: "Print letters" }).click();
  await ready(page);
  await page.getByRole("button", { name: "Make letters" }).click();
  const code = await codeOnLetter(page, name);
  return { name, born, code };
}

async function phone(browser: Browser, page: Page): Promise<Page> {
  const context = await browser.newContext({ viewport: page.viewportSize() ?? undefined, isMobile: true });
  return context.newPage();
}

async function signInAs(page: Page, email: string, password: string) {
  await page.goto("/sign-in");
  await ready(page);
  await page.getByLabel("Email address").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByLabel("Remember me").check();
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { name: "Your children" })).toBeVisible();
  await ready(page);
}

function switcher(page: Page): Locator {
  return page.getByRole("navigation", { name: "Your children" });
}

test("a parent held twice joins both children with Add pupil, ends a session, and deletes their account", async ({
  page,
  browser,
}, info) => {
  test.skip(info.project.name === "desktop", "the parent's side is tried on the phone");
  test.setTimeout(90_000);
  const surname = `Twice-${info.project.name}`;
  const email = `dana.twice.${info.project.name}@mail.example`;
  const password = "harbour-lantern-58";
  await signIn(page, ADMIN);
  // The school holds Dana twice: once with an email, once (from the MIS) without.
  const first = await recordWithLetter(page, surname, email, 0);
  await page.goto("/");
  await ready(page);
  const second = await recordWithLetter(page, `${surname}-mis`, "", 1);
  expect(second.name).not.toBe(first.name);

  const parent = await phone(browser, page);
  await parent.goto(`/sign-up?code=${first.code}`);
  await ready(parent);
  await parent.getByLabel("Your child's date of birth").fill(first.born);
  await parent.getByLabel("Your first name").fill("Dana");
  await parent.getByLabel("Your surname").fill(surname);
  await parent.getByLabel("Email address").fill(email);
  await parent.getByLabel("New password", { exact: true }).fill(password);
  await parent.getByLabel("Type the new password again").fill(password);
  await parent.getByRole("button", { name: "Sign up" }).click();
  await expect(parent).toHaveURL(/\/sign-in\?done=signed-up/);
  await signInAs(parent, email, password);
  await expect(parent.getByRole("list", { name: "Your children" }).getByRole("listitem")).toHaveCount(1);

  // Add pupil with the second letter: a wrong date first, then the right one.
  await parent.getByRole("link", { name: "Add pupil" }).click();
  await expect(parent.getByRole("heading", { name: "Add pupil" })).toBeVisible();
  await ready(parent);
  await parent.getByLabel("Access code").fill(second.code);
  await parent.getByLabel("Your child's date of birth").fill("01/01/2001");
  await parent.getByRole("button", { name: "Add pupil" }).click();
  await expect(parent.getByRole("alert").filter({ hasText: "don't match" })).toBeVisible();
  await expect(parent.getByLabel("Access code")).toHaveValue(second.code);
  await expectAccessible(parent);
  await parent.getByLabel("Your child's date of birth").fill(second.born);
  await parent.getByRole("button", { name: "Add pupil" }).click();
  await expect(parent.getByRole("heading", { name: second.name, level: 1 })).toBeVisible();
  await expect(parent.getByRole("status").filter({ hasText: "now linked to your account" })).toBeVisible();
  await ready(parent);

  // One tap to the other child, from the child's page.
  await expect(switcher(parent).getByRole("link")).toHaveCount(2);
  await expect(switcher(parent).getByRole("link", { name: second.name })).toHaveAttribute("aria-current", "page");
  await switcher(parent).getByRole("link", { name: first.name }).click();
  await expect(parent.getByRole("heading", { name: first.name, level: 1 })).toBeVisible();
  await expect(switcher(parent).getByRole("link", { name: first.name })).toHaveAttribute("aria-current", "page");
  await expectAccessible(parent);

  // Signed in on a second phone too; the first ends that session.
  const other = await phone(browser, page);
  await signInAs(other, email, password);
  await parent.goto("/settings");
  await ready(parent);
  const devices = parent.getByRole("list", { name: "Your sessions" });
  await expect(devices.getByRole("listitem")).toHaveCount(2);
  await expect(devices.getByRole("listitem").filter({ hasText: "This device" })).toHaveCount(1);
  await expectAccessible(parent);
  await devices.getByRole("button", { name: /^Sign out / }).click();
  await expect(parent.getByRole("status").filter({ hasText: "That device has been signed out." })).toBeVisible();
  await expect(devices.getByRole("listitem")).toHaveCount(1);
  await other.reload();
  await expect(other).toHaveURL(/\/sign-in/);

  // Delete account: the password is asked for, and then it is gone for good.
  const deletion = parent.getByRole("region", { name: "Delete account" });
  await deletion.getByLabel("Your password").fill("not-the-password");
  await deletion.getByRole("button", { name: "Delete my account" }).click();
  await expect(deletion.getByLabel("Your password")).toHaveAttribute("aria-invalid", "true");
  await deletion.getByLabel("Your password").fill(password);
  await deletion.getByRole("button", { name: "Delete my account" }).click();
  await expect(parent).toHaveURL(/\/sign-in\?done=account-deleted/);
  await expect(parent.getByRole("status").filter({ hasText: "Your account has been deleted" })).toBeVisible();
  await parent.getByLabel("Email address").fill(email);
  await parent.getByLabel("Password").fill(password);
  await parent.getByRole("button", { name: "Sign in" }).click();
  await expect(parent.getByText("don't match an account")).toBeVisible();

  // The school sees what happened, and can remove the row.
  await page.goto(`/parents?q=${encodeURIComponent(surname)}`);
  await ready(page);
  const row = page.getByRole("row").filter({ has: page.getByRole("rowheader", { name: `Dana ${surname}`, exact: true }) });
  await expect(row).toContainText("Deleted their account");
  await expectAccessible(page);
  await row.getByRole("button", { name: `Remove Dana ${surname}` }).click();
  await expect(row).toHaveCount(0);
  // The second record, its one link moved to Dana's account, was retired.
  const retired = page.getByRole("row").filter({ has: page.getByRole("rowheader", { name: `Dana ${surname}-mis` }) });
  await expect(retired).toContainText("Inactive");
  await parent.context().close();
  await other.context().close();
});

test("on a 360 × 640 phone, sign in, Sign up and Having trouble logging in? need no scrolling", async ({
  browser,
}, info) => {
  test.skip(info.project.name === "desktop", "a phone's screen");
  const context = await browser.newContext({ viewport: { width: 360, height: 640 }, isMobile: true });
  const page = await context.newPage();
  await page.goto("/sign-in");
  await ready(page);
  for (const target of [
    page.getByLabel("Email address"),
    page.getByLabel("Password"),
    page.getByLabel("Remember me"),
    page.getByRole("button", { name: "Sign in" }),
    page.getByRole("link", { name: "Having trouble logging in?" }),
    page.getByRole("link", { name: /Sign up/ }),
  ]) {
    await expect(target).toBeInViewport({ ratio: 1 });
  }
  await context.close();
});

test("staff see where they're signed in too, and have no Delete account", async ({ page }) => {
  await signIn(page, TEACHER);
  await page.goto("/settings");
  await ready(page);
  const devices = page.getByRole("list", { name: "Your sessions" });
  await expect(devices.getByRole("listitem").filter({ hasText: "This device" })).toHaveCount(1);
  await expect(devices.getByRole("listitem").first()).toContainText(/Chrome/);
  await expect(page.getByRole("region", { name: "Delete account" })).toHaveCount(0);
  await expectAccessible(page);
});
