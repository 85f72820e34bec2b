import { expect, test } from "@playwright/test";
import { ADMIN, ready, signIn } from "../helpers";

test("the icon strip works with the keyboard alone", async ({ page, isMobile }) => {
  await signIn(page, ADMIN);
  const menu = page.getByRole("button", { name: "Menu" });
  if (isMobile) {
    await expect(page.getByRole("navigation", { name: "Main" })).toBeHidden();
    await menu.focus();
    await page.keyboard.press("Enter");
    await expect(menu).toHaveAttribute("aria-expanded", "true");
  } else {
    await expect(menu).toBeHidden();
  }
  const strip = page.getByRole("navigation", { name: "Main" });
  await expect(strip).toBeVisible();
  // Tab through until Logout has focus, then press Enter.
  const logout = strip.getByRole("button", { name: "Logout" });
  for (let i = 0; i < 20; i++) {
    await page.keyboard.press("Tab");
    if (await logout.evaluate((el) => el === document.activeElement)) break;
  }
  await expect(logout).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/\/sign-in$/);
  await ready(page);
});

test("the menu button opens and closes the strip on a phone", async ({ page, isMobile }) => {
  test.skip(!isMobile, "the menu button is for narrow screens");
  await signIn(page, ADMIN);
  const menu = page.getByRole("button", { name: "Menu" });
  await expect(menu).toHaveAttribute("aria-expanded", "false");
  await menu.click();
  await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Home", exact: true })).toBeVisible();
  await menu.click();
  await expect(page.getByRole("navigation", { name: "Main" })).toBeHidden();
});
