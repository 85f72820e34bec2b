import { expect, test } from "@playwright/test";
import { ADMIN, expectAccessible, latestEmailTo, linkIn, openMenuIfPhone, ready, signIn } from "../helpers";

test("an admin invites a teacher, who sets a password from the email and signs in", async ({ page, browser }, info) => {
  const address = `new.teacher.${info.project.name}@oakfield.example`;
  await signIn(page, ADMIN);
  await openMenuIfPhone(page);
  await page.getByRole("link", { name: "Users" }).click();
  await expect(page.getByRole("heading", { name: "Users", level: 1 })).toBeVisible();
  await ready(page);
  await expectAccessible(page);

  await page.getByRole("link", { name: "Invite staff" }).click();
  await expect(page.getByRole("heading", { name: "Invite staff" })).toBeVisible();
  await expectAccessible(page);
  // A missing surname and a malformed email: messages beside the fields, nothing lost.
  await page.getByLabel("First name").fill("Priya");
  await page.getByLabel("Email address").fill("priya.shah");
  await page.getByRole("button", { name: "Send invitation" }).click();
  await expect(page.getByLabel("Surname")).toHaveAccessibleDescription(/Enter the surname/);
  await expect(page.getByLabel("First name")).toHaveValue("Priya");
  await expectAccessible(page);
  await page.getByLabel("Surname").fill("Shah");
  await page.getByRole("button", { name: "Send invitation" }).click();
  await expect(page.getByLabel("Email address")).toHaveAccessibleDescription(/right form/);
  await page.getByLabel("Email address").fill(address);
  await page.getByRole("button", { name: "Send invitation" }).click();

  await expect(page.getByRole("heading", { name: "Priya Shah" })).toBeVisible();
  await expect(page.getByRole("status")).toContainText("Invitation sent");
  await expect(page.getByText("Invited", { exact: true }).first()).toBeVisible();
  await expectAccessible(page);

  const email = await latestEmailTo(address);
  const link = linkIn(email, "/invitation/");
  const context = await browser.newContext({ viewport: page.viewportSize() ?? undefined });
  const newcomer = await context.newPage();
  await newcomer.goto(link);
  await ready(newcomer);
  await expect(newcomer.getByRole("heading", { name: "Set your password" })).toBeVisible();
  await expectAccessible(newcomer);
  await newcomer.getByLabel("New password", { exact: true }).fill("maple-bridge-77");
  await newcomer.getByLabel("Type the new password again").fill("maple-bridge-77");
  await newcomer.getByRole("button", { name: "Set password" }).click();
  await expect(newcomer).toHaveURL(/\/sign-in\?done=password-set/);
  await ready(newcomer);
  await newcomer.getByLabel("Email address").fill(address);
  await newcomer.getByLabel("Password").fill("maple-bridge-77");
  await newcomer.getByRole("button", { name: "Sign in" }).click();
  await expect(newcomer.getByRole("heading", { name: "Welcome, Priya" })).toBeVisible();

  // The invitation can't be used twice.
  await newcomer.goto(link);
  await expect(newcomer.getByRole("heading", { name: "This invitation has already been used" })).toBeVisible();
  await context.close();

  // The admin sees them active now, and the audit log has the whole story.
  await page.reload();
  await ready(page);
  await expect(page.getByText("Active", { exact: true }).first()).toBeVisible();
  await page.goto("/audit-log?person=Priya");
  await ready(page);
  await expect(page.getByRole("cell", { name: "invitation accepted" }).first()).toBeVisible();
  await expect(page.getByRole("cell", { name: "staff account created" }).first()).toBeVisible();
  await expectAccessible(page);
});
