// The People page end to end: editing a person (title, manager, team), teams, and
// removing people and teams, with what depends on them cleared; importing people from a
// CSV file (a bad file adds no one); the organisation chart by reporting line; choosing a
// person by typing part of their name.
import { test } from "node:test";
import assert from "node:assert/strict";
import { addPerson, addPersonReportingTo, choosePerson, goTo, sharedBrowser, withApp, nameOrganisation, waitUntilSaved } from "./support.mjs";

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
  await choosePerson(teamForm, "Lead", "Ana Lima");
  await teamForm.getByRole("button", { name: "Save" }).click();
  const team = page.getByTestId("team").filter({ hasText: "Sales" });
  await team.getByText("Lead: Ana Lima").waitFor();

  // Bo: a title, a manager and a team.
  await page.getByRole("button", { name: "Edit Bo Chen" }).click();
  const form = page.getByRole("form", { name: "Edit person" });
  await form.getByLabel("Title").fill("Account Manager");
  await choosePerson(form, "Reports to", "Ana Lima");
  await form.getByLabel("Team").selectOption({ label: "Sales" });
  await form.getByRole("button", { name: "Save" }).click();
  const bo = page.getByTestId("person").filter({ hasText: "Bo Chen" });
  await bo.getByText("Reports to Ana Lima").waitFor();
  assert.match(await bo.textContent(), /Account Manager/);
  assert.match(await team.textContent(), /Bo Chen/);

  // Ana cannot report to Bo: that would make a loop.
  await page.getByRole("button", { name: "Edit Ana Lima" }).click();
  const anaForm = page.getByRole("form", { name: "Edit person" });
  await choosePerson(anaForm, "Reports to", "Bo Chen");
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

/** Picks `text` as a CSV file called `name` in the People page's import. */
async function importCsv(page, name, text) {
  await page.getByLabel("Choose a CSV file of people").setInputFiles({ name, mimeType: "text/csv", buffer: Buffer.from(text, "utf8") });
}

test("people are imported from a CSV file; a bad file lists its problems and adds no one", async () => {
  await withApp(browser, {}, async ({ relay, page }) => {
  await page.goto(relay.base);
  await nameOrganisation(page, "Import Co");
  await goTo(page, "People");
  await page.getByRole("heading", { name: "Import people (CSV)" }).waitFor();
  await addPerson(page, { name: "Ana Lima", title: "Chief Executive" });

  // A bad file: every problem with its line, and no one added.
  await importCsv(page, "bad.csv", "name,email,manager\nBo Chen,bo@acme.example,Zed Q\n,,\"Bo Chen\"\nCy Diaz,x@,\n");
  const errors = page.getByTestId("people-import-errors");
  await errors.waitFor();
  assert.equal(await errors.getAttribute("role"), "alert");
  assert.match(await errors.textContent(), /Nothing was imported: there are 3 problems in the file\./);
  assert.deepEqual(await errors.getByRole("listitem").allTextContents(), [
    'Line 2: the manager "Zed Q" is neither in the file nor in the workspace.',
    "Line 3: no name.",
    'Line 4: the email "x@" does not look like an email.',
  ]);
  assert.deepEqual(await page.getByTestId("person-name").allTextContents(), ["Ana Lima"]);

  // A good file: a byte order mark, CRLF, quoted fields with commas and doubled quotes;
  // managers by name (in the workspace) and by email (in the file); a new team.
  const good =
    "\ufeffName,Title,Email,Manager,Team\r\n" +
    'Bo Chen,"Head of Sales, EMEA",bo@acme.example,Ana Lima,Sales\r\n' +
    '"Cy ""CJ"" Diaz",Account Manager,,bo@acme.example,sales\r\n';
  await importCsv(page, "people.csv", good);
  const summary = page.getByTestId("people-import-summary");
  await summary.filter({ hasText: "Added 2 people and 1 team." }).waitFor();
  assert.equal(await errors.count(), 0, "the problems of the bad file are gone");
  await page.getByTestId("person-name").filter({ hasText: 'Cy "CJ" Diaz' }).waitFor();
  assert.deepEqual(await page.getByTestId("person-name").allTextContents(), ["Ana Lima", "Bo Chen", 'Cy "CJ" Diaz']);
  const row = (name) => page.getByTestId("person").filter({ has: page.getByTestId("person-name").filter({ hasText: name }) });
  const bo = row("Bo Chen");
  assert.match(await bo.textContent(), /Head of Sales, EMEA/);
  assert.match(await bo.textContent(), /Reports to Ana Lima/);
  const cy = row("Diaz");
  assert.match(await cy.textContent(), /Reports to Bo Chen/);
  const sales = page.getByTestId("team").filter({ hasText: "Sales" });
  assert.match(await sales.textContent(), /Bo Chen/);
  assert.match(await sales.textContent(), /Diaz/);

  // The same file again adds no one twice.
  await importCsv(page, "people.csv", good);
  await summary.filter({ hasText: 'No one was added. 2 people already here, so skipped: Bo Chen, Cy "CJ" Diaz.' }).waitFor();
  assert.equal(await page.getByTestId("person").count(), 3);
  assert.equal(await page.getByTestId("team").count(), 1);

  await waitUntilSaved(page);
  await page.reload();
  await page.getByTestId("person-name").first().waitFor();
  assert.deepEqual(await page.getByTestId("person-name").allTextContents(), ["Ana Lima", "Bo Chen", 'Cy "CJ" Diaz']);
  });
});

test("a person is found by typing part of their name and chosen by keyboard, among many", async () => {
  await withApp(browser, {}, async ({ relay, page }) => {
  await page.goto(relay.base);
  await nameOrganisation(page, "Picker Co");
  await goTo(page, "People");
  const names = Array.from({ length: 12 }, (_, i) => `Person ${String(i + 1).padStart(2, "0")}`);
  await importCsv(page, "people.csv", `name\nAna Lima\n${names.join("\n")}\n`);
  await page.getByTestId("people-import-summary").filter({ hasText: "Added 13 people" }).waitFor();

  await page.getByRole("button", { name: "Add person" }).click();
  const form = page.getByRole("form", { name: "New person" });
  await form.getByLabel("Name").fill("Dee Ray");
  const field = form.getByRole("combobox", { name: "Reports to" });
  const matches = form.getByRole("listbox", { name: "Matching people" });
  // Focused: no one first, then the first people by name, and how many more there are;
  // nothing else is drawn. Each match is a full touch target.
  await field.focus();
  assert.equal(await field.getAttribute("aria-expanded"), "true");
  assert.deepEqual(await matches.getByRole("option").allTextContents(), ["No one", "Ana Lima", ...names.slice(0, 6)]);
  await form.getByText("6 more: type more of the name.").waitFor();
  for (const option of await matches.getByRole("option").all()) {
    assert.ok((await option.boundingBox()).height >= 44, "a match is at least 44 px tall");
  }
  // Typing narrows; Enter chooses the highlighted match and does not send the form.
  await field.fill("son 1");
  assert.deepEqual(await matches.getByRole("option").allTextContents(), ["Person 10", "Person 11", "Person 12"]);
  await field.press("ArrowDown");
  assert.equal(await matches.getByRole("option", { selected: true }).textContent(), "Person 11");
  await field.press("Enter");
  assert.equal(await field.inputValue(), "Person 11");
  assert.equal(await field.getAttribute("aria-expanded"), "false");
  assert.equal(await page.getByTestId("person-name").filter({ hasText: "Dee Ray" }).count(), 0, "Enter chose, it did not save");
  // Nobody by that name: said so; Escape puts the choice back.
  await field.fill("zzz");
  await form.getByText("No one by that name.").waitFor();
  assert.equal(await matches.count(), 0);
  await field.press("Escape");
  assert.equal(await field.inputValue(), "Person 11");
  // A full name typed, then leaving the field, chooses that person.
  await field.fill("ana lima");
  await form.getByLabel("Name").focus();
  assert.equal(await field.inputValue(), "Ana Lima");
  await form.getByRole("button", { name: "Save" }).click();
  const dee = page.getByTestId("person").filter({ has: page.getByTestId("person-name").filter({ hasText: "Dee Ray" }) });
  await dee.getByText("Reports to Ana Lima").waitFor();
  // Enter in the field with nothing highlighted sends the form, choice kept.
  await page.getByRole("button", { name: "Edit Dee Ray" }).click();
  const again = page.getByRole("form", { name: "Edit person" });
  await again.getByRole("combobox", { name: "Reports to" }).focus();
  const listed = again.getByRole("listbox", { name: "Matching people" });
  await listed.getByRole("option", { name: "No one" }).waitFor();
  assert.equal(await listed.getByRole("option", { selected: true }).count(), 0, "nothing highlighted until asked");
  await again.getByRole("combobox", { name: "Reports to" }).press("Enter");
  await again.waitFor({ state: "detached" });
  await dee.getByText("Reports to Ana Lima").waitFor();
  // Editing Dee: she is not offered as her own manager; a click on the field after
  // choosing opens the list again; no one typed and left clears it.
  await page.getByRole("button", { name: "Edit Dee Ray" }).click();
  const edit = page.getByRole("form", { name: "Edit person" });
  const manager = edit.getByRole("combobox", { name: "Reports to" });
  assert.equal(await manager.inputValue(), "Ana Lima");
  await manager.fill("Person 0");
  await edit.getByRole("option", { name: "Person 03" }).click();
  assert.equal(await manager.inputValue(), "Person 03");
  assert.equal(await manager.getAttribute("aria-expanded"), "false");
  await manager.click();
  assert.equal(await manager.getAttribute("aria-expanded"), "true");
  await manager.fill("Dee");
  await edit.getByText("No one by that name.").waitFor();
  await manager.fill("");
  await edit.getByLabel("Title").focus();
  assert.equal(await manager.inputValue(), "");
  await edit.getByRole("button", { name: "Save" }).click();
  await dee.getByText("Reports to Ana Lima").waitFor({ state: "detached" });
  });
});

test("the chart shows everyone under the person they report to, on a phone too", async () => {
  await withApp(browser, { context: { serviceWorkers: "block", viewport: { width: 360, height: 740 } } }, async ({ relay, page }) => {
  await page.goto(relay.base);
  await nameOrganisation(page, "Chart Co");
  await goTo(page, "People");
  await addPersonReportingTo(page, "Ana Lima");
  await addPersonReportingTo(page, "Bo Chen", "Ana Lima");
  await addPersonReportingTo(page, "Dee Ng", "Ana Lima");
  await addPersonReportingTo(page, "Cy Diaz-Oyelaran-Vandenberghe-Montgomery-Smythe", "Bo Chen");
  await addPersonReportingTo(page, "Eve Kim");

  // The switch: two buttons, one pressed; reached and pressed with the keyboard.
  const views = page.getByRole("group", { name: "Show everyone as" });
  const list = views.getByRole("button", { name: "List" });
  const chartButton = views.getByRole("button", { name: "Chart" });
  assert.equal(await list.getAttribute("aria-pressed"), "true");
  assert.equal(await chartButton.getAttribute("aria-pressed"), "false");
  await chartButton.focus();
  await page.keyboard.press("Enter");
  const chart = page.getByRole("list", { name: "Organisation chart" });
  await chart.waitFor();
  assert.equal(await chartButton.getAttribute("aria-pressed"), "true");
  assert.equal(await list.getAttribute("aria-pressed"), "false");
  assert.equal(await page.getByTestId("people-list").count(), 0);

  // Ana and Eve at the top, by name; Ana's reports nested under her, Cy under Bo.
  const top = chart.locator(":scope > li");
  assert.equal(await top.count(), 2);
  assert.equal(await top.nth(0).getByTestId("org-person-name").first().textContent(), "Ana Lima");
  assert.equal(await top.nth(1).getByTestId("org-person-name").first().textContent(), "Eve Kim");
  const underAna = chart.getByRole("list", { name: "Reporting to Ana Lima" });
  assert.deepEqual(await underAna.locator(":scope > li > .org-card").getByTestId("org-person-name").allTextContents(), ["Bo Chen", "Dee Ng"]);
  const underBo = underAna.getByRole("list", { name: "Reporting to Bo Chen" });
  assert.deepEqual(await underBo.getByTestId("org-person-name").allTextContents(), ["Cy Diaz-Oyelaran-Vandenberghe-Montgomery-Smythe"]);
  assert.equal(await top.nth(0).getByTestId("org-reports-count").first().textContent(), "2 direct reports");
  assert.equal(await underBo.getByTestId("org-reports-count").textContent(), "No direct reports");
  assert.equal(await chart.getByRole("list", { name: "Reporting to Eve Kim" }).count(), 0);

  // Nothing wider than the phone's screen.
  const widths = await page.evaluate(() => ({ page: document.documentElement.scrollWidth, screen: window.innerWidth }));
  assert.ok(widths.page <= widths.screen, `the page is ${widths.page} px wide on a ${widths.screen} px screen`);

  // A name links to the person's page; back on People, List with Space.
  await underAna.getByRole("link", { name: "Dee Ng" }).click();
  await page.getByRole("heading", { level: 1, name: "Dee Ng" }).waitFor();
  assert.match(new URL(page.url()).pathname, /\/people\/.+/);
  await goTo(page, "People");
  await page.getByRole("group", { name: "Show everyone as" }).getByRole("button", { name: "Chart" }).click();
  await chart.waitFor();
  await list.focus();
  await page.keyboard.press("Space");
  await page.getByTestId("people-list").waitFor();
  assert.equal(await chart.count(), 0);
  });
});
