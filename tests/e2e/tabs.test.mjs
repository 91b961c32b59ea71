// Several tabs of one browser: each sees the other's edits live, and a tab closed right
// after an edit keeps it.
import { test } from "node:test";
import assert from "node:assert/strict";
import { addPerson, sharedBrowser, nameOrganisation, startRelay, waitUntilSaved, watchErrors } from "./support.mjs";

const browser = sharedBrowser();

const openPeople = async (page) => {
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "People" }).click();
  await page.getByRole("heading", { name: "People", exact: true }).waitFor();
};

test("two tabs see each other's edits without reloading", async () => {
  const relay = await startRelay();
  const context = await browser.newContext({ serviceWorkers: "block" });
  try {
    const first = await context.newPage();
    const errors = watchErrors(first);
    await first.goto(relay.base);
    await nameOrganisation(first, "Two Tabs Ltd");
    await waitUntilSaved(first);

    const second = await context.newPage();
    errors.push(...watchErrors(second));
    await second.goto(relay.base);
    await second.getByTestId("org-name").filter({ hasText: "Two Tabs Ltd" }).waitFor();
    await openPeople(first);
    await openPeople(second);

    await addPerson(first, { name: "Ana Lima" });
    await second.getByTestId("person-name").filter({ hasText: "Ana Lima" }).waitFor({ timeout: 5000 });
    await addPerson(second, { name: "Bo Chen" });
    await first.getByTestId("person-name").filter({ hasText: "Bo Chen" }).waitFor({ timeout: 5000 });

    assert.deepEqual(await first.getByTestId("person-name").allTextContents(), ["Ana Lima", "Bo Chen"]);
    assert.deepEqual(await second.getByTestId("person-name").allTextContents(), ["Ana Lima", "Bo Chen"]);
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
    await relay.stop();
  }
});

test("two tabs typing in the same field at once both end with every character", async () => {
  const relay = await startRelay();
  const context = await browser.newContext({ serviceWorkers: "block" });
  try {
    const first = await context.newPage();
    const errors = watchErrors(first);
    await first.goto(relay.base);
    await nameOrganisation(first, "Typing Co");
    const about = (page) => page.getByLabel("About Typing Co");
    await about(first).fill("We grow.");
    await waitUntilSaved(first);

    const second = await context.newPage();
    errors.push(...watchErrors(second));
    await second.goto(relay.base);
    await about(second).waitFor();
    assert.equal(await about(second).inputValue(), "We grow.");

    // One types at the start, the other at the end, at the same time.
    await about(first).focus();
    await first.keyboard.press("Control+Home");
    await about(second).focus();
    await second.keyboard.press("Control+End");
    await Promise.all([
      first.keyboard.type("Together ", { delay: 15 }),
      second.keyboard.type(" Every season.", { delay: 15 }),
    ]);
    const expected = "Together We grow. Every season.";
    for (const page of [first, second]) {
      await page.waitForFunction(
        (text) => document.getElementById("organisation-about")?.value === text,
        expected,
        { timeout: 5000 },
      );
    }
    // The other tab's typing did not move this tab's caret: typing goes on where it was.
    await first.keyboard.type("!");
    await second.waitForFunction(
      () => document.getElementById("organisation-about")?.value === "Together !We grow. Every season.",
      null,
      { timeout: 5000 },
    );
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
    await relay.stop();
  }
});

test("a tab closed right after an edit keeps the edit", async () => {
  const relay = await startRelay();
  const context = await browser.newContext({ serviceWorkers: "block" });
  try {
    const page = await context.newPage();
    await page.goto(relay.base);
    await nameOrganisation(page, "Quick Close Ltd");
    await waitUntilSaved(page);
    await openPeople(page);
    await page.getByRole("button", { name: "Add person" }).click();
    const form = page.getByRole("form", { name: "New person" });
    await form.getByLabel("Name").fill("Cy Okafor");
    await form.getByRole("button", { name: "Save" }).click();
    // No waiting for "saved": the tab goes away 20 ms after the edit (the promise is that
    // a tab closed within 50 ms of an edit keeps it).
    await page.waitForTimeout(20);
    await page.close();

    const reopened = await context.newPage();
    await reopened.goto(`${relay.base}people`);
    await reopened.getByTestId("person-name").filter({ hasText: "Cy Okafor" }).waitFor({ timeout: 5000 });
  } finally {
    await context.close();
    await relay.stop();
  }
});
