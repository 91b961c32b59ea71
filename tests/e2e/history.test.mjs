// History and named versions: a version opens read-only as it was, and its comparison
// with now lists what changed since, in words; changes show who made them.
import { test } from "node:test";
import assert from "node:assert/strict";
import { addPerson, goTo, iAm, sharedBrowser, withApp, nameOrganisation, waitUntilSaved } from "./support.mjs";

const browser = sharedBrowser();


test("a named version opens read-only and its comparison with now lists the changes", async () => {
  await withApp(browser, {}, async ({ relay, page }) => {
  await page.goto(relay.base);
  await nameOrganisation(page, "Versions Ltd");
  await goTo(page, "People");
  await addPerson(page, { name: "Ana Lima", title: "Chief Executive" });
  await iAm(page, "Ana Lima");

  await page.getByRole("link", { name: "Open history" }).click();
  await page.getByLabel("Name the workspace as it is now").fill("Board-approved 2027");
  await page.getByRole("button", { name: "Name this version" }).click();
  const version = page.getByTestId("version").filter({ hasText: "Board-approved 2027" });
  await version.waitFor();
  assert.match(await version.textContent(), /by Ana Lima/);
  await waitUntilSaved(page);

  // Work goes on after the version.
  await goTo(page, "People");
  await addPerson(page, { name: "Bo Chen" });
  await goTo(page, "Settings");
  await page.getByLabel("Name", { exact: true }).fill("Versions Cooperative");
  await page.getByRole("button", { name: "Save name" }).click();
  await page.getByTestId("org-name").filter({ hasText: "Versions Cooperative" }).waitFor();

  await page.goto(`${relay.base}history`);
  await page.getByRole("button", { name: "Open Board-approved 2027" }).click();
  const panel = page.getByTestId("history-panel");
  await panel.getByText("Read-only").waitFor();
  assert.equal(await panel.getByTestId("snapshot-organisation").textContent(), "Versions Ltd");
  assert.match(await panel.getByTestId("snapshot-people").textContent(), /Ana Lima/);
  assert.doesNotMatch(await panel.getByTestId("snapshot-people").textContent(), /Bo Chen/);
  assert.equal(await panel.getByRole("button", { name: /Edit|Remove/ }).count(), 0, "nothing to edit in a past state");

  await page.getByRole("button", { name: "Compare Board-approved 2027 with now" }).click();
  const lines = await page.getByTestId("comparison").locator("li").allTextContents();
  assert.deepEqual(lines, [
    "The organisation was renamed from \"Versions Ltd\" to \"Versions Cooperative\"",
    "Bo Chen was added",
  ]);

  // One device, one session so far, named after the person who uses the device.
  const sessions = await page.getByTestId("session").allTextContents();
  assert.equal(sessions.length, 1, sessions.join("\n"));
  assert.match(sessions[0], /^Ana Lima/);
  assert.match(sessions[0], /Create workspace; Name the organisation; Add Ana Lima; and \d+ more/);

  // What the session changed, from the empty workspace to now, in words.
  await page.getByRole("button", { name: "Show changes" }).click();
  const changed = await page.getByTestId("comparison").locator("li").allTextContents();
  assert.ok(changed.includes("Ana Lima was added as Chief Executive"), changed.join("\n"));
  assert.ok(changed.includes("Bo Chen was added"), changed.join("\n"));
  });
});
