// Who may do what, end to end: the workspace is founded by its first admin on the
// first-run form; people join only by an admin's invitation (used once: the relay gives a
// used one nothing); nobody is picked
// from a list; an employee sees no admin or HR controls and no colleague's ratings; a
// removed device says so.
import { test } from "node:test";
import assert from "node:assert/strict";
import { acceptInvitation, addPersonReportingTo, goTo, invite, newPlan, sharedBrowser, startRelay, withTwoDevices } from "./support.mjs";

const browser = sharedBrowser();

test("founding, invitations used once, what an employee is offered, and a removed device", async () => {
  const relay = await startRelay();
  try {
    await withTwoDevices(browser, async ({ a: hana, b: ana }) => {
      // Hana founds the workspace with her name: she is its first admin (and HR).
      await hana.goto(relay.base);
      await hana.getByLabel("What is your organisation called?").fill("Access Co");
      await hana.getByLabel("Your name").fill("Hana Admin");
      await hana.getByRole("button", { name: "Continue" }).click();
      await hana.getByTestId("org-name").filter({ hasText: "Access Co" }).waitFor();
      assert.equal(await hana.getByTestId("membership-notice").count(), 0, "a member is told nothing");
      await goTo(hana, "Settings");
      await hana.getByTestId("identity").filter({ hasText: "You are Hana Admin on this device (Admin, HR)." }).waitFor();
      assert.equal(await hana.getByLabel("Who are you?").count(), 0, "no one to pick");

      await goTo(hana, "People");
      await addPersonReportingTo(hana, "Maria Rossi", "Hana Admin");
      await addPersonReportingTo(hana, "Ana Lima", "Maria Rossi");
      const anaRow = hana.getByTestId("access-row").filter({ hasText: "Ana Lima" });
      await anaRow.getByTestId("access-status").filter({ hasText: "Not invited" }).waitFor();
      const link = await invite(hana, "Ana Lima");
      assert.match(link, /[?&]invite=[A-Za-z0-9_-]{43}(&|$)/, "the link carries the one-time secret");
      await anaRow.getByTestId("access-status").filter({ hasText: "Invited" }).waitFor();

      // Ana joins on her tablet: the device is hers, and she is offered no one else's.
      await acceptInvitation(ana, link, "Ana Lima");
      await ana.getByTestId("identity").filter({ hasText: "You are Ana Lima on this device." }).waitFor();
      await anaRow.getByTestId("access-status").filter({ hasText: "Joined" }).waitFor({ timeout: 20_000 });
      await goTo(ana, "People");
      await ana.getByTestId("people-read-only").waitFor();
      assert.equal(await ana.getByRole("button", { name: "Add person" }).count(), 0);
      assert.equal(await ana.getByRole("button", { name: "Add team" }).count(), 0);
      assert.equal(await ana.getByTestId("access-admin").count(), 0, "no access controls for an employee");
      assert.equal(await ana.getByRole("button", { name: "Remove Maria Rossi" }).isVisible(), false);
      await goTo(ana, "Reviews");
      assert.equal(await ana.getByRole("button", { name: "Start a review cycle" }).count(), 0, "only HR starts cycles");
      await goTo(ana, "Settings");
      assert.equal(await ana.getByRole("button", { name: "Add a rating scale" }).isVisible(), false, "scales are HR's");

      // The same link, opened again in another profile, binds nothing: the relay gives
      // that device nothing of the workspace (its invitation is used), so it keeps waiting
      // and holds nothing of it.
      const thief = await browser.newContext({ serviceWorkers: "block" });
      try {
        const page = await thief.newPage();
        await page.goto(link);
        await page.getByRole("button", { name: "Open this workspace" }).click();
        await page.waitForURL((url) => !url.pathname.endsWith("/join"), { timeout: 15_000 });
        await page.getByTestId("waiting").filter({ hasText: "Connected" }).waitFor({ timeout: 15_000 });
        await page.getByTestId("workspace-refused").filter({ hasText: "it may have been used already" }).waitFor({ timeout: 15_000 });
        await page.getByTestId("waiting").waitFor();
        assert.equal(await page.getByText("Access Co").count(), 0, "nothing of the workspace reached it");
      } finally {
        await thief.close();
      }

      // Only an admin lets a program in: a sync address that names the plans chosen.
      assert.equal(await ana.getByTestId("program-access").count(), 0, "no programs section for an employee");
      await newPlan(hana, "Growth 2027");
      assert.equal(await hana.getByLabel("Mission", { exact: true }).isDisabled(), false, "the admin changes a plan");
      assert.equal(await hana.getByTestId("plan-read-only").count(), 0);
      await goTo(hana, "People");
      const programs = hana.getByTestId("program-access");
      await programs.getByLabel("What is the program?").fill("Board dashboard");
      await programs.getByRole("button", { name: "Make a sync address for it" }).click();
      await programs.getByText("Choose at least one document for the program.").waitFor();
      await programs.getByLabel("Growth 2027").check();
      await programs.getByRole("button", { name: "Make a sync address for it" }).click();
      const address = await programs.getByLabel("Its sync address").inputValue();
      assert.match(address, /\/sync\?grant=[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/, "a signed grant in the address");

      // Every member reads a plan; only the admins start one, and only its participants
      // (as an admin signed them) and the admins change it: Ana is on no plan.
      await goTo(ana, "Plans");
      await ana.getByTestId("plans-started-by-admins").waitFor();
      assert.equal(await ana.getByRole("button", { name: "New plan" }).count(), 0, "an employee starts no plan");
      await ana.getByTestId("plan-card").filter({ hasText: "Growth 2027" }).click({ timeout: 15_000 });
      await ana.getByRole("heading", { level: 1, name: "Growth 2027" }).waitFor({ timeout: 15_000 });
      await ana.getByTestId("plan-read-only").waitFor();
      assert.equal(await ana.getByLabel("Mission", { exact: true }).isDisabled(), true, "her plan fields are disabled");

      // Hana removes Ana's device: Ana's device says so, and acts as nobody.
      await goTo(hana, "People");
      await anaRow.getByRole("button", { name: /^Remove device .* of Ana Lima$/ }).click();
      await anaRow.getByTestId("access-status").filter({ hasText: "Invited" }).or(anaRow.getByTestId("access-status").filter({ hasText: "Not invited" })).waitFor();
      await goTo(ana, "Home");
      await ana.getByTestId("membership-notice").filter({ hasText: "This device was removed from the workspace." }).waitFor({ timeout: 20_000 });
    });
  } finally {
    await relay.stop();
  }
});
