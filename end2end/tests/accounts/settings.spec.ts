import { expect, test } from "@playwright/test";
import { PARENT, emailCount, expectAccessible, linkEmailedTo, ready, signIn } from "../helpers";

test("a parent changes their name and email address in Settings", async ({ page }, info) => {
  await signIn(page, PARENT);
  await page.getByRole("link", { name: "Settings" }).click();
  await expect(page.getByRole("heading", { name: "Settings", level: 1 })).toBeVisible();
  await ready(page);
  await expectAccessible(page);

  // A blank surname is refused beside the field; the first name typed stays.
  const name = page.getByRole("region", { name: "Your name" });
  const firstName = await name.getByLabel("First name").inputValue();
  await name.getByLabel("Surname").fill("");
  await name.getByRole("button", { name: "Save name" }).click();
  await expect(name.getByLabel("Surname")).toHaveAccessibleDescription(/Enter the surname/);
  await expect(name.getByLabel("First name")).toHaveValue(firstName);
  await expectAccessible(page);

  // A new address works only once its link is opened; then change it back.
  const email = page.getByRole("region", { name: "Email address" });
  const other = `parent.${info.project.name}@mail.example`;
  for (const [from, to] of [[PARENT, other], [other, PARENT]]) {
    await page.goto("/settings");
    await ready(page);
    const before = await emailCount(to);
    await email.getByLabel("New email address").fill(to);
    await email.getByLabel("Your current password").fill("markwell-demo-1");
    await email.getByRole("button", { name: "Send confirmation link" }).click();
    await expect(page.getByRole("status")).toContainText("We've emailed a link");
    await expect(email).toContainText(`You sign in with ${from}`);
    const link = await linkEmailedTo(to, "/confirm-email/", before);
    await page.goto(link);
    await ready(page);
    await expect(page.getByRole("heading", { name: "Confirm your new email address" })).toBeVisible();
    await expectAccessible(page);
    await page.getByRole("button", { name: "Confirm new email address" }).click();
    await expect(page).toHaveURL(/\/settings\?done=email-changed/);
    await expect(email).toContainText(`You sign in with ${to}`);
  }
});
