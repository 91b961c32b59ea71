// Strategic plans end to end: a person builds a small plan by touch-sized clicks, sees
// the roll-up, approves it, edits a target and finds the change in the comparison with
// the approved version; the board report prints and exports; SWOT items move by touch
// drag and by keyboard.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile, writeFile } from "node:fs/promises";
import { addPerson, choosePerson, goTo, iAm, nameOrganisation, sharedBrowser, waitUntilSaved, withApp } from "./support.mjs";

const browser = sharedBrowser();

/** A PESTLE factor long enough to wrap in the strategy map. */
const DATA_ACT = "EU data act: new duties for cloud vendors that sell to the public sector";

/** How many of the elements `locator` finds are visible. */
const visibleCount = (locator) => locator.evaluateAll((els) => els.filter((el) => el.checkVisibility()).length);

/**
 * The smallest type of the drawings (SVG text) inside `locator`, in points as laid out
 * now: the font size in the drawing's units times the drawing's scale (CSS px), × 0.75.
 */
const smallestDrawnPt = (locator) =>
  locator.evaluate((root) => {
    let least = { pt: Infinity };
    for (const text of root.querySelectorAll("svg text")) {
      const svg = text.ownerSVGElement;
      const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
      const pt = parseFloat(getComputedStyle(text).fontSize) * scale * 0.75;
      if (pt < least.pt) least = { pt, text: text.textContent, drawing: svg.getAttribute("class"), style: text.getAttribute("style"), width: svg.getBoundingClientRect().width };
    }
    return least;
  });

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
    await iAm(page, "Ana Lima");

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
    await choosePerson(page, "Person", "Ana Lima");
    await page.getByLabel("Role", { exact: true }).selectOption({ label: "Board" });
    await page.getByRole("button", { name: "Add participant" }).click();
    await page.getByRole("combobox", { name: "Ana Lima" }).waitFor();

    // Environment: an opportunity.
    await section(page, "Environment");
    await page.getByLabel("New item in Opportunities").fill("Nordic demand is growing");
    await page.getByRole("form", { name: "Add to Opportunities" }).getByRole("button", { name: "Add" }).click();
    await page.locator('[data-quadrant="opportunities"]').getByText("Nordic demand is growing").waitFor();
    // And a PESTLE factor (long enough to wrap on the strategy map).
    const pestleForm = page.getByRole("form", { name: "Add a PESTLE factor" });
    await pestleForm.getByLabel("Category").selectOption({ label: "Legal" });
    await pestleForm.getByLabel("Factor").fill(DATA_ACT);
    await pestleForm.getByLabel("Impact").selectOption({ label: "High" });
    await pestleForm.getByLabel("Likelihood").selectOption({ label: "Medium" });
    await pestleForm.getByRole("button", { name: "Add factor" }).click();
    await page.getByRole("cell", { name: DATA_ACT, exact: true }).waitFor();

    // A goal, an objective answering the opportunity, a measure with two actuals.
    await section(page, "Goals");
    await page.getByLabel("New goal").fill("Grow in Europe");
    await page.getByRole("button", { name: "Add goal" }).click();
    const goal = page.getByTestId("goal").filter({ hasText: "Grow in Europe" });
    await goal.getByLabel("New objective").fill("Win Nordic customers");
    await goal.getByRole("button", { name: "Add objective" }).click();
    const objective = page.getByTestId("objective").filter({ hasText: "Win Nordic customers" });
    await objective.getByRole("button", { name: "Edit objective" }).click();
    await choosePerson(objective.getByRole("form", { name: "Edit objective" }), "Owner", "Ana Lima");
    await objective.getByRole("button", { name: "Save objective" }).click();
    await objective.getByText("Owner: Ana Lima").waitFor();
    await objective.getByText("Answers…").click();
    await objective.getByLabel("Opportunities: Nordic demand is growing").check();
    await objective.getByText("Answers Opportunities: Nordic demand is growing").waitFor();
    await objective.getByLabel(`Legal: ${DATA_ACT}`).check();
    await objective.getByText(/^Answers Opportunities: Nordic demand is growing; Legal: EU data act/).waitFor();

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
    await choosePerson(measureForm, "Owner", "Ana Lima");
    await measureForm.getByRole("button", { name: "Save measure" }).click();
    const measure = objective.getByTestId("measure").filter({ hasText: "Nordic customers" });
    await measure.getByText("No actuals yet ·").waitFor();
    await measure.getByTestId("measure-owner").filter({ hasText: "Owner: Ana Lima" }).waitFor();
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
    // A target by period: 80 due by the end of June, so June's 85 is green against it.
    const byPeriod = measure.getByRole("form", { name: "Set a target by period for Nordic customers" });
    await byPeriod.getByLabel("Due by").fill("2027-06-30");
    await byPeriod.getByLabel("Target", { exact: true }).fill("180");
    await byPeriod.getByRole("button", { name: "Set target" }).click();
    await measure.getByRole("alert").filter({ hasText: "must lie between the baseline (0) and the final target (100)" }).waitFor();
    await byPeriod.getByLabel("Target", { exact: true }).fill("80");
    await byPeriod.getByRole("button", { name: "Set target" }).click();
    await objective.getByTestId("measure").getByText("· target 80 by 2027-06-30 (final 100) ·").waitFor();
    await objective.locator(".rollup .rag").filter({ hasText: "Green" }).waitFor();
    await objective.getByTestId("measure").getByText("is green against the target due 2027-06-30 (80)").first().waitFor();
    // Removed, the final target judges it again.
    await objective.getByTestId("measure").getByRole("button", { name: "Remove the target for 2027-06-30" }).click();
    await objective.locator(".rollup .rag").filter({ hasText: "Amber" }).waitFor();
    await objective.getByTestId("measure").getByText("85 on 2027-06-30 · target 100 ·").waitFor();

    await objective.getByRole("button", { name: "Add initiative" }).click();
    const initiativeForm = objective.getByRole("form", { name: "New initiative" });
    await initiativeForm.getByLabel("Title").fill("Open an Oslo office");
    await initiativeForm.getByLabel("Budget").fill("250,000");
    await initiativeForm.getByLabel("Headcount").fill("3");
    await choosePerson(initiativeForm, "Owner", "Ana Lima");
    await initiativeForm.getByLabel("Start").fill("2027-01-01");
    await initiativeForm.getByLabel("End").fill("2027-12-31");
    await initiativeForm.getByLabel("Status").selectOption({ label: "On track" });
    await initiativeForm.getByLabel("Progress (%)").fill("40");
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
    await page.getByText(/Approved by Ana Lima \(Board\) on .* · verified$/).waitFor();
    assert.equal(await page.getByTestId("approval-unverified").count(), 0, "a verified approval backs the status");

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
    // The board pack: who, when and which version at the top; SWOT, PESTLE, owners,
    // initiatives with their budgets, and resources.
    const cover = report.getByTestId("report-cover");
    await cover.getByTestId("report-organisation").filter({ hasText: "Plan Co" }).waitFor();
    const madeOn = (await cover.getByTestId("report-date").textContent()).trim();
    assert.match(madeOn, /\d{4}/, "the report is dated");
    assert.match(
      await cover.getByTestId("report-version").textContent(),
      /^Approved by the board on .+ \(\d+ changes? since, listed at the end\)$/,
    );
    await report.getByTestId("report-swot").locator('[data-report-quadrant="opportunities"]').getByText("Nordic demand is growing").waitFor();
    const pestleRow = report.getByTestId("report-pestle").getByRole("row").filter({ hasText: DATA_ACT });
    assert.deepEqual(await pestleRow.getByRole("cell").allTextContents(), ["Legal", "High", "Medium", "Win Nordic customers"]);
    const reportObjective = report.getByTestId("report-objective").filter({ hasText: "Win Nordic customers" });
    await reportObjective.locator(".report-facts").getByText("Ana Lima").waitFor();
    const initiativeRow = report.getByTestId("report-initiatives").getByRole("row").filter({ hasText: "Open an Oslo office" });
    assert.deepEqual(await initiativeRow.getByRole("cell").allTextContents(), ["Ana Lima", "On track", "2027-01-01 – 2027-12-31", "250,000 EUR", "3", "40%"]);
    const measureRow = report.getByTestId("report-measures").getByRole("row").filter({ hasText: "Nordic customers" });
    assert.equal(await measureRow.getByRole("cell").first().textContent(), "0 → 120");
    assert.equal(await measureRow.getByRole("cell").last().textContent(), "Ana Lima");
    await report.getByTestId("report-resources").getByRole("row").filter({ hasText: "Grow in Europe" }).getByText("250,000").waitFor();
    await report.getByTestId("report-over-allocated").getByText(/^Budget: 250,000 EUR allocated against 0 EUR available/).waitFor();

    await page.emulateMedia({ media: "print" });
    assert.equal(await page.getByRole("navigation", { name: "Main" }).isVisible(), false, "no navigation in print");
    assert.ok(await report.getByTestId("scorecard").isVisible(), "the scorecard prints");
    // The title, the organisation and the date are printed once, at the top.
    assert.equal(await visibleCount(page.getByText("Growth 2027–2029", { exact: true })), 1, "the title is printed once");
    assert.equal(await visibleCount(page.getByText("Plan Co", { exact: true })), 1, "the organisation is printed once");
    assert.equal(await visibleCount(page.getByText(madeOn, { exact: true })), 1, "the date is printed once");
    const coverBox = await cover.boundingBox();
    assert.ok(coverBox.y < (await report.getByTestId("scorecard").boundingBox()).y, "the cover comes first");
    assert.ok(await report.getByTestId("report-over-allocated").isVisible(), "over-allocation is printed");
    // Laid out as on A4 paper (180 mm of text: 680 px), the charts' labels are 9 pt or so.
    await page.setViewportSize({ width: 680, height: 1366 });
    const chartType = await smallestDrawnPt(report);
    assert.ok(chartType.pt >= 8.8, `the charts' labels print at 9 pt or so: ${JSON.stringify(chartType)}`);
    await page.setViewportSize({ width: 1024, height: 1366 });
    // It prints to PDF on A4 and on Letter, as chosen (set THROUGHLINE_PDF_DIR to keep the
    // files and look at them).
    for (const [paper, format] of [["a4", "A4"], ["letter", "Letter"]]) {
      await page.emulateMedia({ media: "screen" });
      await page.getByLabel("Paper").selectOption(paper);
      await page.emulateMedia({ media: "print" });
      const pdf = await page.pdf({ format });
      assert.equal(pdf.subarray(0, 5).toString(), "%PDF-", `a ${format} PDF`);
      assert.ok(pdf.length > 10_000, `the ${format} PDF has the report (${pdf.length} bytes)`);
      if (process.env.THROUGHLINE_PDF_DIR) await writeFile(`${process.env.THROUGHLINE_PDF_DIR}/board-report-${paper}.pdf`, pdf);
    }
    await page.emulateMedia({ media: "screen" });
    if (process.env.THROUGHLINE_PDF_DIR) {
      await page.screenshot({ path: `${process.env.THROUGHLINE_PDF_DIR}/board-report-screen.png`, fullPage: true });
    }
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("button", { name: "Download Markdown" }).click(),
    ]);
    assert.equal(download.suggestedFilename(), "growth-2027-2029.md");
    const markdown = await readFile(await download.path(), "utf8");
    assert.match(markdown, /^# Growth 2027–2029/);
    assert.match(markdown, /\| \| \| Nordic customers \| 120 \| 85 \|/);
    assert.match(markdown, /Measure “Nordic customers”: target 100 → 120/);
    assert.match(markdown, /^- Organisation: Plan Co$/m);
    assert.match(markdown, new RegExp(`^- Date: ${madeOn}$`, "m"));
    assert.match(markdown, /^- Version: Approved by the board on .+ \(\d+ changes? since, listed at the end\)$/m);
    assert.match(markdown, /#### Opportunities\n\n- Nordic demand is growing \(answered by: Win Nordic customers\)/);
    assert.ok(markdown.includes(`| Legal | ${DATA_ACT} | High | Medium | Win Nordic customers |`), "PESTLE");
    assert.match(markdown, /#### Objective: Win Nordic customers\n\n- Owner: Ana Lima\n/);
    assert.match(markdown, /\| Nordic customers \| 0 → 120 \| 85 on 2027-06-30[^|]*\| \w+ \| Ana Lima \|/, "a measure with its owner");
    assert.match(markdown, /\| Open an Oslo office \| Ana Lima \| On track \| 2027-01-01 – 2027-12-31 \| 250,000 EUR \| 3 \| 40% \|/);
    assert.match(markdown, /\| Grow in Europe \| 250,000 \| — \| 3 \| — \|/);
    assert.match(markdown, /\*\*Over-allocated\*\*/);
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

    // The strategy map wraps long labels instead of cutting them, and prints across the page.
    await section(page, "Strategy map");
    const map = page.locator("svg.strategy-map");
    await map.waitFor();
    const nodes = await map.evaluate((svg) =>
      [...svg.querySelectorAll(".map-node")].map((g) => {
        const box = g.querySelector("rect").getBBox();
        const inside = [...g.querySelectorAll("text")].every((t) => {
          const b = t.getBBox();
          return b.x >= box.x - 0.5 && b.y >= box.y - 0.5 && b.x + b.width <= box.x + box.width + 0.5 && b.y + b.height <= box.y + box.height + 0.5;
        });
        const lines = [...g.querySelectorAll(".map-text-title tspan")].map((s) => s.textContent);
        return { lines, inside };
      }),
    );
    const dataAct = nodes.find((n) => n.lines.join(" ") === DATA_ACT);
    assert.ok(dataAct && dataAct.lines.length > 1, `the factor is on the map whole, on several lines: ${JSON.stringify(nodes)}`);
    assert.ok(nodes.every((n) => n.inside), `every label inside its box: ${JSON.stringify(nodes)}`);
    await page.emulateMedia({ media: "print" });
    await page.setViewportSize({ width: 680, height: 1366 });
    const mapBox = await map.boundingBox();
    assert.ok(mapBox.x >= 0 && mapBox.x + mapBox.width <= 680.5, `the map fits the page (${JSON.stringify(mapBox)})`);
    const mapType = await smallestDrawnPt(page.locator(".map-wrap"));
    assert.ok(mapType.pt >= 8.8, `the map's labels print at 9 pt or so: ${JSON.stringify(mapType)}`);
    await page.setViewportSize({ width: 1024, height: 1366 });
    if (process.env.THROUGHLINE_PDF_DIR) {
      await writeFile(`${process.env.THROUGHLINE_PDF_DIR}/strategy-map-a4.pdf`, await page.pdf({ format: "A4" }));
    }
    await page.emulateMedia({ media: "screen" });

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

    // The scorecard shows a measure's owner.
    await section(page, "Scorecard");
    await page.getByTestId("scorecard").locator("tr.row-measure").filter({ hasText: "Nordic customers" }).filter({ hasText: "Ana Lima" }).waitFor();

    // An actual recorded from the scorecard updates its row.
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
