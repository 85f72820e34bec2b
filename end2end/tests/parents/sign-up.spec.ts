import { expect, test } from "@playwright/test";
import { expectAccessible, ready } from "../helpers";

test("sign-up names a mistyped code or date as the parent leaves the field, and keeps their place", async ({
  page,
}) => {
  await page.goto("/sign-up");
  await ready(page);
  const code = page.getByLabel("Access code");
  const born = page.getByLabel("Your child's date of birth");

  // Leaving an empty field says nothing yet: Sign up will.
  await code.focus();
  await born.focus();
  await expect(code).not.toHaveAttribute("aria-invalid", "true");

  // A code too short to be one is named as soon as the field is left, and
  // focus stays where the parent went next.
  await code.fill("ABCD-EFGH");
  await born.focus();
  await expect(code).toHaveAttribute("aria-invalid", "true");
  await expect(code).toHaveAccessibleDescription(/Enter the access code as it is printed on your letter/);
  await expect(born).toBeFocused();

  await born.fill("31/02/2019");
  await page.getByLabel("Your first name").focus();
  await expect(born).toHaveAccessibleDescription(/Enter your child's date of birth as DD\/MM\/YYYY/);
  await expect(page.getByLabel("Your first name")).toBeFocused();
  await expectAccessible(page);

  // Put right, each message goes as the field is left again; nothing typed is lost.
  await code.fill("abcd efgh jkmn");
  await born.fill("04/05/2019");
  await page.getByLabel("Your first name").focus();
  await expect(code).not.toHaveAttribute("aria-invalid", "true");
  await expect(born).not.toHaveAttribute("aria-invalid", "true");
  await expect(code).toHaveValue("abcd efgh jkmn");
  await expect(born).toHaveValue("04/05/2019");
});
