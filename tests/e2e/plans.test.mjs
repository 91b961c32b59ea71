// Strategic plans end to end: a person builds a small plan by touch-sized clicks, sees
// the roll-up, approves it, edits a target and finds the change in the comparison with
// the approved version; the board report prints and exports; SWOT items move by touch
// drag and by keyboard.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { addPerson, goTo, nameOrganisation, sharedBrowser, waitUntilSaved, withApp } from "./support.mjs";

const browser = sharedBrowser();

/** Creates a plan from the Plans page and waits for its page. */
async function createPlan(page, { title, start = "2027", end = "2029" }) {
  await goTo(page, "Plans");
  await page.getByRole("button", { name: "New plan" }).click();
  const form = page.getByRole("form", { name: "New plan" });
  await form.getByLabel("Title").fill(title);
  await form.getByLabel("Start year").fill(start);
  await form.getByLabel("End year").fill(end);
  await form.getByRole("button", { name: "Create plan" }).click();
  await page.getByRole("heading", { level: 1, name: title }).waitFor();
}

const section = (page, name) =>
  page.getByRole("navigation", { name: "Plan sections" }).getByRole("link", { name }).click();

/** Every control the person used is at least 44 px on both sides. */
async function assertTouchSized(locator, what) {
  const box = await locator.boundingBox();
  assert.ok(box && box.height >= 44 && box.width >= 44, `${what} is at least 44 × 44 px (${JSON.stringify(box)})`);
}

test("a plan is built, rolled up, approved, changed, compared and reported", async () => {
  await withApp(browser, {}, async ({ relay, page }) => {
    await page.setViewportSize({ width: 1024, height: 1366 }); // a tablet, portrait
    await page.goto(relay.base);
    await nameOrganisation(page, "Plan Co");
    await goTo(page, "People");
    await addPerson(page, { name: "Ana Lima", title: "Chair" });
    await goTo(page, "Settings");
    await page.getByLabel("Who uses this device?").selectOption({ label: "Ana Lima" });

    // Bad years are refused where they are typed, and nothing is created.
    await goTo(page, "Plans");
    await page.getByRole("button", { name: "New plan" }).click();
    const newPlan = page.getByRole("form", { name: "New plan" });
    await newPlan.getByLabel("Title").fill("Growth 2027–2029");
    await newPlan.getByLabel("Start year").fill("20x7");
    await newPlan.getByText("is not a year").waitFor();
    await newPlan.getByLabel("Start year").fill("2029");
    await newPlan.getByLabel("End year").fill("2027");
    // Said as the years are typed, and again if the person tries anyway.
    await newPlan.locator(".horizon-error").filter({ hasText: "The end year (2027) is before the start year (2029)." }).waitFor();
    await newPlan.getByRole("button", { name: "Create plan" }).click();
    await newPlan.locator(".form-error").filter({ hasText: "before the start year" }).waitFor();
    await newPlan.getByRole("button", { name: "Cancel" }).click();
    await page.getByText("No plans yet.").waitFor();
    await createPlan(page, { title: "Growth 2027–2029" });

    // Ana joins as a board member.
    await page.getByLabel("Person").selectOption({ label: "Ana Lima" });
    await page.getByLabel("Role", { exact: true }).selectOption({ label: "Board" });
    await page.getByRole("button", { name: "Add participant" }).click();
    await page.getByRole("combobox", { name: "Ana Lima" }).waitFor();

    // Environment: an opportunity.
    await section(page, "Environment");
    await page.getByLabel("New item in Opportunities").fill("Nordic demand is growing");
    await page.getByRole("form", { name: "Add to Opportunities" }).getByRole("button", { name: "Add" }).click();
    await page.locator('[data-quadrant="opportunities"]').getByText("Nordic demand is growing").waitFor();

    // A goal, an objective answering the opportunity, a measure with two actuals.
    await section(page, "Goals");
    await page.getByLabel("New goal").fill("Grow in Europe");
    await page.getByRole("button", { name: "Add goal" }).click();
    const goal = page.getByTestId("goal").filter({ hasText: "Grow in Europe" });
    await goal.getByLabel("New objective").fill("Win Nordic customers");
    await goal.getByRole("button", { name: "Add objective" }).click();
    const objective = page.getByTestId("objective").filter({ hasText: "Win Nordic customers" });
    await objective.getByText("Answers…").click();
    await objective.getByLabel("Opportunities: Nordic demand is growing").check();
    await objective.getByText("Answers Opportunities: Nordic demand is growing").waitFor();

    await assertTouchSized(objective.getByRole("button", { name: "Add measure" }), "Add measure");
    await objective.getByRole("button", { name: "Add measure" }).click();
    const measureForm = objective.getByRole("form", { name: "New measure" });
    await measureForm.getByLabel("Name").fill("Nordic customers");
    await measureForm.getByLabel("Baseline").fill("0");
    await measureForm.getByLabel("Target", { exact: true }).fill("lots");
    await measureForm.getByText('"lots" is not a number.').waitFor();
    await measureForm.getByRole("button", { name: "Save measure" }).click();
    await measureForm.getByRole("alert").filter({ hasText: "Target" }).waitFor();
    await measureForm.getByLabel("Target", { exact: true }).fill("100");
    await measureForm.getByRole("button", { name: "Save measure" }).click();
    const measure = objective.getByTestId("measure").filter({ hasText: "Nordic customers" });
    await measure.getByText("No actuals yet ·").waitFor();
    await measure.getByText("Actuals and chart").click();
    for (const [date, value] of [["2027-03-31", "40"], ["2027-06-30", "85"]]) {
      await measure.getByLabel("Date").fill(date);
      await measure.getByLabel("Value").fill(value);
      await measure.getByRole("button", { name: "Record actual" }).click();
      await objective.getByTestId("measure").getByText(`${value} on ${date} ·`).waitFor();
    }
    // 85 of 0 → 100 is amber (amber from 80, green at 100), and the objective says why.
    await objective.locator(".rollup .rag").filter({ hasText: "Amber" }).waitFor();
    await objective.locator(".rollup").getByText("85%").waitFor();
    await objective.locator(".rollup").getByText("Why?").click();
    await objective.locator(".objective-header .why").getByText("Nordic customers: 85 on 2027-06-30 is amber").waitFor();
    await goal.locator(".goal-header .rag").filter({ hasText: "Amber" }).waitFor();
    assert.equal(await objective.locator("svg.measure-chart circle").count(), 2, "two actuals on the chart");

    await objective.getByRole("button", { name: "Add initiative" }).click();
    const initiativeForm = objective.getByRole("form", { name: "New initiative" });
    await initiativeForm.getByLabel("Title").fill("Open an Oslo office");
    await initiativeForm.getByLabel("Budget").fill("250,000");
    await initiativeForm.getByLabel("Headcount").fill("3");
    await initiativeForm.getByRole("button", { name: "Save initiative" }).click();
    await objective.getByTestId("initiative").getByText("Budget 250,000 EUR").waitFor();

    // An initiative moves to another objective and back (its budget goes with it).
    await goal.getByLabel("New objective").fill("Keep Nordic customers");
    await goal.getByRole("button", { name: "Add objective" }).click();
    const keep = page.getByTestId("objective").filter({ hasText: "Keep Nordic customers" });
    const objectiveTitles = () => goal.getByTestId("objective").locator("h3").allTextContents();
    await keep.waitFor();
    assert.ok(await goal.getByRole("button", { name: "Move “Win Nordic customers” up" }).isDisabled());
    await goal.getByRole("button", { name: "Move “Keep Nordic customers” up" }).click();
    await goal.getByTestId("objective").first().filter({ hasText: "Keep Nordic customers" }).waitFor();
    assert.deepEqual(await objectiveTitles(), ["Keep Nordic customers", "Win Nordic customers"]);
    await goal.getByRole("button", { name: "Move “Keep Nordic customers” down" }).click();
    await goal.getByTestId("objective").first().filter({ hasText: "Win Nordic customers" }).waitFor();
    const moveInitiative = async (from, to) => {
      await from.getByRole("button", { name: "Edit “Open an Oslo office”" }).click();
      const edit = page.getByRole("form", { name: "Edit initiative" });
      await edit.getByLabel("Objective").selectOption({ label: `Grow in Europe › ${to}` });
      await edit.getByRole("button", { name: "Save initiative" }).click();
    };
    await moveInitiative(objective, "Keep Nordic customers");
    await keep.getByTestId("initiative").getByText("Budget 250,000 EUR").waitFor();
    assert.equal(await objective.getByTestId("initiative").count(), 0);
    await moveInitiative(keep, "Win Nordic customers");
    await objective.getByTestId("initiative").getByText("Budget 250,000 EUR").waitFor();

    await section(page, "Resources");
    await page.getByTestId("resources").getByText("250,000 EUR").first().waitFor();
    await page.getByTestId("over-allocated").waitFor(); // nothing is available yet

    // Review and approval by the board member using this device.
    await section(page, "Overview");
    await page.getByRole("button", { name: "Send for review" }).click();
    await page.getByText("You can approve as board.").waitFor();
    await page.getByRole("button", { name: "Approve" }).click();
    await page.getByTestId("plan-status").filter({ hasText: "Approved" }).waitFor();
    await page.getByText(/Approved by Ana Lima \(Board\)/).waitFor();

    // A target changes after approval.
    await section(page, "Goals");
    await measure.getByText("Actuals and chart").click();
    await measure.getByRole("button", { name: "Edit measure" }).click();
    const editMeasure = page.getByRole("form", { name: "Edit measure" });
    await editMeasure.getByLabel("Target", { exact: true }).fill("120");
    await editMeasure.getByLabel("Green from (blank: the target)").fill("");
    await editMeasure.getByLabel("Amber from (blank: 80% of the way)").fill("");
    await editMeasure.getByRole("button", { name: "Save measure" }).click();
    await page.getByTestId("measure").getByText("· target 120 ·").waitFor();

    // The comparison with the approved version shows it, side by side.
    await section(page, "Versions");
    await page.getByText(/^Approved by the board on/).first().waitFor();
    const differences = page.getByTestId("differences");
    const targetRow = differences.getByRole("row").filter({ hasText: "target" });
    await targetRow.waitFor();
    assert.equal(await targetRow.locator(".before").textContent(), "100");
    assert.equal(await targetRow.locator(".after").textContent(), "120");

    // The history says who did what, and what a session changed, in words (everything
    // here is one session: one person, minutes apart).
    const history = page.getByRole("region", { name: "History" });
    const session = history.getByRole("listitem").first();
    await session.getByText("Ana Lima").waitFor();
    await session.getByText(/Approve the plan; .*Edit a measure/).waitFor();
    await session.getByRole("button", { name: "What changed" }).click();
    await session.getByTestId("differences").getByRole("row").filter({ hasText: "Added" }).filter({ hasText: "Goal “Grow in Europe”" }).waitFor();

    // The board report: scorecard, changes since approval; print layout; Markdown.
    await section(page, "Board report");
    const report = page.getByTestId("board-report");
    await report.getByTestId("scorecard").getByRole("rowheader", { name: "Nordic customers", exact: true }).waitFor();
    await report.getByText("Changes since “Approved by the board on").waitFor();
    await report.getByRole("img", { name: "Grow in Europe: progress of 2 objectives" }).waitFor();
    await report.getByRole("img", { name: "Nordic customers: 2 actuals, target 120" }).waitFor();
    await page.emulateMedia({ media: "print" });
    assert.equal(await page.getByRole("navigation", { name: "Main" }).isVisible(), false, "no navigation in print");
    assert.ok(await report.getByTestId("scorecard").isVisible(), "the scorecard prints");
    await page.emulateMedia({ media: "screen" });
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("button", { name: "Download Markdown" }).click(),
    ]);
    assert.equal(download.suggestedFilename(), "growth-2027-2029.md");
    const markdown = await readFile(await download.path(), "utf8");
    assert.match(markdown, /^# Growth 2027–2029/);
    assert.match(markdown, /\| \| \| Nordic customers \| 120 \| 85 \|/);
    assert.match(markdown, /Measure “Nordic customers”: target 100 → 120/);
    const [jsonDownload] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("button", { name: "Download JSON" }).click(),
    ]);
    const json = JSON.parse(await readFile(await jsonDownload.path(), "utf8"));
    assert.equal(json.format, "throughline-plan");
    assert.equal(json.status, "Approved");
    assert.equal(json.goals[0].objectives[0].measures[0].target, 120);
    const [binary] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("button", { name: "Download .automerge" }).click(),
    ]);
    assert.match(binary.suggestedFilename(), /^[1-9A-HJ-NP-Za-km-z]+\.automerge$/);

    // Changed since approval: the overview says so, lists the change in words and asks
    // the board again; approving again the same day names a version of its own.
    await section(page, "Overview");
    const changed = page.getByTestId("changed-since-approval");
    await changed.getByText("Measure “Nordic customers”: target changed from 100 to 120").waitFor();
    await changed.getByRole("button", { name: "Ask the board to approve again" }).click();
    await page.getByTestId("plan-status").filter({ hasText: "In review" }).waitFor();
    await page.getByRole("button", { name: "Approve" }).click();
    await page.getByTestId("plan-status").filter({ hasText: "Approved" }).waitFor();
    assert.equal(await changed.count(), 0, "approved again: nothing has changed since");
    await section(page, "Versions");
    await page.getByText(/^Approved by the board on .* \(2\)$/).first().waitFor();

    // An actual recorded from the scorecard updates its row.
    await section(page, "Scorecard");
    await page.getByRole("button", { name: "Record an actual of Nordic customers" }).click();
    const entry = page.getByRole("form", { name: "Record an actual" });
    await entry.getByLabel("Date").fill("2027-09-30");
    await entry.getByLabel("Value").fill("ninety");
    await entry.getByRole("button", { name: "Record" }).click();
    await page.getByRole("alert").filter({ hasText: '"ninety" is not a number.' }).waitFor();
    await entry.getByLabel("Value").fill("90");
    await entry.getByRole("button", { name: "Record" }).click();
    const row = page.getByTestId("scorecard").getByRole("row").filter({ hasText: "Nordic customers" });
    await row.getByText("90 (2027-09-30)").waitFor();
    await row.getByText("▲ Improving").waitFor();

    // Everything is on the device after a reload.
    await waitUntilSaved(page);
    await page.reload();
    await page.getByTestId("scorecard").getByRole("row").filter({ hasText: "Nordic customers" }).getByText("90 (2027-09-30)").waitFor();
    await goTo(page, "Plans");
    const card = page.getByTestId("plan-card");
    await card.getByText("Approved").waitFor();
    // 90 against a target of 120 (amber from 96) is red; 90 of 0 → 120 is 75 %.
    await card.locator(".rag").filter({ hasText: "Red" }).waitFor();
    await card.getByText("75%").waitFor();
    await page.getByRole("button", { name: "Draft", exact: true }).click();
    await page.getByText("No plan has this status.").waitFor();
    await page.goto(relay.base);
    await page.getByTestId("plans-count").filter({ hasText: "1" }).waitFor();

    // Next year's plan starts from this one and compares with it item by item.
    await goTo(page, "Plans");
    await page.getByTestId("plan-card").click();
    await page.getByRole("button", { name: "Start next year's plan" }).click();
    await page.getByRole("heading", { level: 1, name: "Growth 2028–2030" }).waitFor();
    await page.getByTestId("plan-status").filter({ hasText: "Draft" }).waitFor();
    await section(page, "Versions");
    await page.getByRole("heading", { name: "Against last cycle's plan, “Growth 2027–2029”" }).waitFor();
    const baseline = page.getByTestId("differences").last().getByRole("row").filter({ hasText: "baseline" });
    assert.equal(await baseline.locator(".before").textContent(), "0");
    assert.equal(await baseline.locator(".after").textContent(), "90", "it starts where last year ended");
    await page.goto(relay.base);
    await page.getByTestId("plans-count").filter({ hasText: "2" }).waitFor();
  });
});

/** The texts of a SWOT quadrant, in order. */
const quadrantItems = (page, slug) => page.locator(`[data-quadrant="${slug}"] .swot-text`).allTextContents();

test("SWOT items move by keyboard and by touch drag; PESTLE factors are added and edited", async () => {
  await withApp(browser, { context: { serviceWorkers: "block", hasTouch: true } }, async ({ relay, page, context }) => {
    await page.setViewportSize({ width: 1024, height: 1366 });
    await page.goto(relay.base);
    await nameOrganisation(page, "Board Co");
    await createPlan(page, { title: "Plan 2027", start: "2027", end: "2027" });
    await section(page, "Environment");
    for (const text of ["Brand", "Staff"]) {
      await page.getByLabel("New item in Strengths").fill(text);
      await page.getByRole("form", { name: "Add to Strengths" }).getByRole("button", { name: "Add" }).click();
      await page.locator('[data-quadrant="strengths"]').getByText(text).waitFor();
    }
    assert.deepEqual(await quadrantItems(page, "strengths"), ["Brand", "Staff"]);

    // Keyboard: ↑ reorders, → moves to the next quadrant; focus stays on the item.
    const staff = page.getByRole("button", { name: "Move “Staff”" });
    await assertTouchSized(staff, "the drag handle");
    await staff.focus();
    const focusIsOnStaff = () =>
      page.waitForFunction(() => document.activeElement?.getAttribute("aria-label") === "Move “Staff”");
    await page.keyboard.press("ArrowUp");
    await page.getByText("Moved to Strengths, position 1 of 2.").waitFor();
    assert.deepEqual(await quadrantItems(page, "strengths"), ["Staff", "Brand"]);
    await focusIsOnStaff();
    await page.keyboard.press("ArrowRight");
    await page.getByText("Moved to Weaknesses, position 1 of 1.").waitFor();
    assert.deepEqual(await quadrantItems(page, "weaknesses"), ["Staff"]);
    await focusIsOnStaff();

    // Touch: drag "Brand" by its handle into Threats with a finger.
    const handle = await page.getByRole("button", { name: "Move “Brand”" }).boundingBox();
    const threats = await page.locator('[data-quadrant="threats"]').boundingBox();
    const cdp = await context.newCDPSession(page);
    const from = { x: handle.x + handle.width / 2, y: handle.y + handle.height / 2 };
    const to = { x: threats.x + threats.width / 2, y: threats.y + 20 };
    const touch = (type, point) =>
      cdp.send("Input.dispatchTouchEvent", {
        type,
        touchPoints: type === "touchEnd" ? [] : [{ x: point.x, y: point.y, id: 1 }],
      });
    await touch("touchStart", from);
    for (let step = 1; step <= 8; step++) {
      await touch("touchMove", { x: from.x + ((to.x - from.x) * step) / 8, y: from.y + ((to.y - from.y) * step) / 8 });
    }
    await touch("touchEnd", to);
    await page.getByText("Moved to Threats, position 1 of 1.").waitFor();
    assert.deepEqual(await quadrantItems(page, "threats"), ["Brand"]);
    assert.deepEqual(await quadrantItems(page, "strengths"), []);

    // A PESTLE factor is added, then edited in place.
    const pestle = page.getByRole("form", { name: "Add a PESTLE factor" });
    await pestle.getByLabel("Category").selectOption({ label: "Legal" });
    await pestle.getByLabel("Factor").fill("New data law");
    await pestle.getByLabel("Impact").selectOption({ label: "High" });
    await pestle.getByRole("button", { name: "Add factor" }).click();
    await page.getByRole("cell", { name: "New data law", exact: true }).waitFor();
    await page.getByRole("button", { name: "Edit “New data law”" }).click();
    const editing = page.getByRole("form", { name: "Edit a PESTLE factor" });
    assert.equal(await editing.getByLabel("Factor").inputValue(), "New data law");
    await editing.getByLabel("Factor").fill("EU data act");
    await editing.getByLabel("Likelihood").selectOption({ label: "High" });
    await editing.getByRole("button", { name: "Save factor" }).click();
    const row = page.getByRole("row").filter({ hasText: "EU data act" });
    await row.waitFor();
    assert.deepEqual(await row.getByRole("cell").allTextContents().then((c) => c.slice(0, 4)), ["Legal", "EU data act", "High", "High"]);

    await waitUntilSaved(page);
    await page.reload();
    await page.locator('[data-quadrant="threats"]').getByText("Brand").waitFor();
    await page.getByRole("cell", { name: "EU data act", exact: true }).waitFor();
  });
});
