// The organisation's data is its own: exported from one browser profile and imported into
// a fresh one, it shows the same; a file that is not an export is refused and changes
// nothing.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import {
  addPerson,
  goTo,
  sharedBrowser,
  withApp,
  nameOrganisation,
  startRelay,
  waitUntilSaved,
  watchErrors,
} from "./support.mjs";

const browser = sharedBrowser();
let scratch;
before(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), "throughline-files-"));
});
after(async () => {
  await rm(scratch, { recursive: true, force: true });
});

test("a workspace exported from one profile and imported into a fresh one shows the same", async () => {
  const relay = await startRelay();
  const laptop = await browser.newContext({ serviceWorkers: "block" });
  const tablet = await browser.newContext({ serviceWorkers: "block" });
  try {
    const page = await laptop.newPage();
    const errors = watchErrors(page);
    await page.goto(relay.base);
    await nameOrganisation(page, "Export Co");
    await goTo(page, "People");
    await addPerson(page, { name: "Ana Lima", title: "Chief Executive" });
    await addPerson(page, { name: "Bo Chen" });
    await waitUntilSaved(page);
    await goTo(page, "Settings");
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("button", { name: "Export archive" }).click(),
    ]);
    assert.equal(download.suggestedFilename(), "export-co.throughline.json");
    const archive = path.join(scratch, download.suggestedFilename());
    await download.saveAs(archive);

    const fresh = await tablet.newPage();
    errors.push(...watchErrors(fresh));
    await fresh.goto(`${relay.base}settings`);
    await fresh.getByRole("heading", { name: "Your data" }).waitFor();
    await Promise.all([
      fresh.waitForEvent("framenavigated"),
      fresh.getByLabel("Import an archive or .automerge file").setInputFiles(archive),
    ]);
    await fresh.getByTestId("org-name").filter({ hasText: "Export Co" }).waitFor();
    await goTo(fresh, "People");
    await fresh.getByTestId("person-name").filter({ hasText: "Bo Chen" }).waitFor();
    assert.deepEqual(await fresh.getByTestId("person-name").allTextContents(), ["Ana Lima", "Bo Chen"]);

    // The same archive again merges to nothing new: no one is doubled.
    await goTo(fresh, "Settings");
    await fresh.getByLabel("Import an archive or .automerge file").setInputFiles(archive);
    const message = fresh.getByTestId("data-message");
    await message.waitFor();
    assert.match(await message.textContent(), /already had everything/);
    await goTo(fresh, "People");
    assert.equal(await fresh.getByTestId("person-name").count(), 2);
    assert.deepEqual(errors, []);
  } finally {
    await laptop.close();
    await tablet.close();
    await relay.stop();
  }
});

test("a file that is not a Throughline export is refused with a clear message", async () => {
  await withApp(browser, {}, async ({ relay, page }) => {
  await page.goto(relay.base);
  await nameOrganisation(page, "Careful Ltd");
  await goTo(page, "People");
  await addPerson(page, { name: "Ana Lima" });
  await waitUntilSaved(page);
  await goTo(page, "Settings");

  const otherApp = path.join(scratch, "contacts.json");
  await writeFile(otherApp, JSON.stringify({ contacts: [{ name: "Someone" }] }));
  await page.getByLabel("Import an archive or .automerge file").setInputFiles(otherApp);
  const message = page.getByTestId("data-message");
  await message.waitFor();
  assert.equal(await message.getAttribute("role"), "alert");
  assert.match(await message.textContent(), /not a Throughline archive/);

  const truncated = path.join(scratch, "broken.json");
  await writeFile(truncated, '{"format":"throughline-archive","version":1,"workspace":');
  await page.getByLabel("Import an archive or .automerge file").setInputFiles(truncated);
  await page.getByTestId("data-message").filter({ hasText: "not a Throughline file" }).waitFor();

  await goTo(page, "People");
  assert.deepEqual(await page.getByTestId("person-name").allTextContents(), ["Ana Lima"]);
  assert.equal(await page.getByTestId("org-name").textContent(), "Careful Ltd");
  });
});
