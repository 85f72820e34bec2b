import { expect, test } from "@playwright/test";
import {
  ADMIN, PARENT, TEACHER, SLT, expectAccessible, openMenuIfPhone, ready, signIn,
} from "../helpers";

test("the sign-in page is accessible and keeps what was typed after a wrong password", async ({ page }) => {
  await page.goto("/sign-in");
  await ready(page);
  await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
  await expectAccessible(page);

  await page.getByLabel("Email address").fill(TEACHER);
  await page.getByLabel("Password").fill("not-the-password-1");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "don't match" })).toBeVisible();
  await expect(page.getByLabel("Email address")).toHaveValue(TEACHER);
  await expectAccessible(page);
});

for (const [who, email, heading] of [
  ["admin", ADMIN, "Welcome, Sam"],
  ["SLT", SLT, "Welcome, Helen"],
  ["teacher", TEACHER, "Welcome, Rebecca"],
] as const) {
  test(`${who} signs in, sees their home page, and logs out`, async ({ page }) => {
    await signIn(page, email);
    await expect(page.getByRole("heading", { name: heading })).toBeVisible();
    await expectAccessible(page);
    await openMenuIfPhone(page);
    await page.getByRole("button", { name: "Logout" }).click();
    await expect(page).toHaveURL(/\/sign-in$/);
    // The session is over on the server: home sends us back to sign in.
    await page.goto("/");
    await expect(page).toHaveURL(/\/sign-in/);
  });
}

test("a parent signs in on their phone and sees each child", async ({ page }) => {
  await signIn(page, PARENT, true);
  await expect(page.getByRole("heading", { name: "Your children" })).toBeVisible();
  const children = page.getByRole("list", { name: "Your children" }).getByRole("listitem");
  await expect(children).toHaveCount(2);
  await expectAccessible(page);

  await children.first().getByRole("link").click();
  await expect(page.getByRole("term").filter({ hasText: "Class teacher" })).toBeVisible();
  await expectAccessible(page);

  await page.getByRole("button", { name: "Logout" }).click();
  await expect(page).toHaveURL(/\/sign-in$/);
});

test("a page the parent may not see answers not found", async ({ page }) => {
  await signIn(page, PARENT);
  await page.goto("/children/999999");
  await expect(page.getByRole("heading", { name: "We couldn't find that page" })).toBeVisible();
  await expectAccessible(page);
});
