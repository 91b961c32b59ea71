// The People page end to end: editing a person (title, manager, team), teams, and
// removing people and teams, with what depends on them cleared.
import { test } from "node:test";
import assert from "node:assert/strict";
import { addPerson, sharedBrowser, withApp, nameOrganisation, waitUntilSaved } from "./support.mjs";

const browser = sharedBrowser();

test("people and teams are edited and removed, and references to them are cleared", async () => {
  await withApp(browser, {}, async ({ relay, page }) => {
  await page.goto(relay.base);
  await nameOrganisation(page, "Edit Co");
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "People" }).click();
  await addPerson(page, { name: "Ana Lima", title: "Chief Executive" });
  await addPerson(page, { name: "Bo Chen" });

  // A team led by Ana.
  await page.getByRole("button", { name: "Add team" }).click();
  const teamForm = page.getByRole("form", { name: "New team" });
  await teamForm.getByLabel("Team name").fill("Sales");
  await teamForm.getByLabel("Lead").selectOption({ label: "Ana Lima" });
  await teamForm.getByRole("button", { name: "Save" }).click();
  const team = page.getByTestId("team").filter({ hasText: "Sales" });
  await team.getByText("Lead: Ana Lima").waitFor();

  // Bo: a title, a manager and a team.
  await page.getByRole("button", { name: "Edit Bo Chen" }).click();
  const form = page.getByRole("form", { name: "Edit person" });
  await form.getByLabel("Title").fill("Account Manager");
  await form.getByLabel("Reports to").selectOption({ label: "Ana Lima" });
  await form.getByLabel("Team").selectOption({ label: "Sales" });
  await form.getByRole("button", { name: "Save" }).click();
  const bo = page.getByTestId("person").filter({ hasText: "Bo Chen" });
  await bo.getByText("Reports to Ana Lima").waitFor();
  assert.match(await bo.textContent(), /Account Manager/);
  assert.match(await team.textContent(), /Bo Chen/);

  // Ana cannot report to Bo: that would make a loop.
  await page.getByRole("button", { name: "Edit Ana Lima" }).click();
  const anaForm = page.getByRole("form", { name: "Edit person" });
  await anaForm.getByLabel("Reports to").selectOption({ label: "Bo Chen" });
  await anaForm.getByRole("button", { name: "Save" }).click();
  await anaForm.getByRole("alert").filter({ hasText: "already reports" }).waitFor();
  await anaForm.getByRole("button", { name: "Cancel" }).click();

  // Removing Ana asks first, then clears Bo's manager and the team's lead.
  await page.getByRole("button", { name: "Remove Ana Lima" }).click();
  await page.getByRole("button", { name: "Keep" }).click();
  await page.getByTestId("person-name").filter({ hasText: "Ana Lima" }).waitFor();
  await page.getByRole("button", { name: "Remove Ana Lima" }).click();
  await page.getByRole("button", { name: "Yes, remove" }).click();
  await page.getByTestId("person-name").filter({ hasText: "Ana Lima" }).waitFor({ state: "detached" });
  assert.doesNotMatch(await bo.textContent(), /Reports to/);
  assert.doesNotMatch(await team.textContent(), /Lead:/);

  // Removing the team keeps its members.
  await page.getByRole("button", { name: "Remove team Sales" }).click();
  await page.getByText("No teams yet.").waitFor();
  await waitUntilSaved(page);
  await page.reload();
  await page.getByTestId("person-name").first().waitFor();
  assert.deepEqual(await page.getByTestId("person-name").allTextContents(), ["Bo Chen"]);
  assert.doesNotMatch(await page.getByTestId("person").textContent(), /Sales|Reports to/);
  });
});
