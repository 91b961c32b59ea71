// Performance management end to end, on two devices through the relay: HR (who is also
// the manager) sets up a scale, a template and a cycle for two people; the employee
// writes her self review on her tablet; the manager holds a check-in with the network
// cut, then calibrates on the 9-box by dragging; a colleague's words that reach the feedback
// after it closed are shared only when the manager says so; both sign; the signed review prints
// and exports as Markdown, and the cycle's ratings as CSV.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { acceptInvitation, addPersonReportingTo, choosePerson, goTo, iAm, invite, managerSideOf, sharedBrowser, storedDocumentIds, nameOrganisation, startRelay, waitUntilSaved, withApp, withTwoDevices } from "./support.mjs";

const browser = sharedBrowser();

async function download(page, click) {
  const [file] = await Promise.all([page.waitForEvent("download"), click()]);
  return readFile(await file.path(), "utf8");
}

/** Run in a page before its scripts: every direct link it makes can be closed at once. */
function cuttableDirectLinks() {
  const Native = window.RTCPeerConnection;
  const links = new Set();
  window.RTCPeerConnection = class extends Native {
    constructor(...args) {
      super(...args);
      links.add(this);
    }
  };
  window.cutDirectLinks = () => {
    for (const link of links) link.close();
    links.clear();
  };
}

test("a review cycle from setup to a signed, exported review", async () => {
  const relay = await startRelay();
  try {
    await withTwoDevices(browser, async ({ laptop, a: maria, b: ana }) => {
      // HR sets up the people, a scale and a template.
      await maria.goto(relay.base);
      await nameOrganisation(maria, "Review Co");
      await goTo(maria, "People");
      await addPersonReportingTo(maria, "Maria Rossi");
      await addPersonReportingTo(maria, "Ana Lima", "Maria Rossi");
      await addPersonReportingTo(maria, "Ben Okoro", "Maria Rossi");
      await addPersonReportingTo(maria, "Chen Wu", "Maria Rossi");
      await iAm(maria, "Maria Rossi");
      await maria.getByRole("button", { name: "Add a rating scale" }).click();
      // A level without a label is refused with the reason, and nothing is saved.
      const fresh = maria.getByRole("form", { name: "Rating scale: New rating scale" });
      await fresh.getByLabel("Levels, one per line: value and label").fill("1 Below\n2");
      await fresh.getByRole("button", { name: "Save scale" }).click();
      await fresh.getByRole("alert").filter({ hasText: "Line 2: the value 2 needs a label." }).waitFor();
      assert.equal(await maria.getByTestId("scales").getByRole("form").count(), 0);
      // The five-point scale the form offers.
      await fresh.getByLabel("Levels, one per line: value and label").fill("1 Below expectations\n2 Partly meets expectations\n3 Meets expectations\n4 Exceeds expectations\n5 Exceptional");
      await fresh.getByRole("button", { name: "Save scale" }).click();
      await maria.getByTestId("scales").getByRole("form").waitFor();
      await maria.getByRole("button", { name: "Add a review template" }).click();
      // The template is edited with fields: a competency added, an empty question refused.
      const template = maria.getByRole("form", { name: "Review template: New review template" });
      await template.getByRole("button", { name: "Add a competency" }).click();
      await template.getByLabel("Competency 4").fill("Craft");
      await template.getByLabel("What it means").last().fill("Does careful work");
      await template.getByRole("button", { name: "Add a question to section 1" }).click();
      await template.getByRole("button", { name: "Save template" }).click();
      await template.getByRole("alert").filter({ hasText: "A question in “Looking back” has no text." }).waitFor();
      await template.getByRole("group", { name: "Section 1" }).getByRole("button", { name: "Remove question" }).last().click();
      await template.getByRole("button", { name: "Save template" }).click();
      await maria.getByTestId("templates").getByRole("form").waitFor();
      assert.equal(await maria.getByTestId("templates").getByLabel("Competency 4").inputValue(), "Craft");

      // The cycle, for Ana and Ben.
      await goTo(maria, "Reviews");
      await maria.getByRole("button", { name: "Start a review cycle" }).click();
      const cycleForm = maria.getByRole("form", { name: "New review cycle" });
      await cycleForm.getByLabel("Name").fill("2026 annual review");
      // Participants are found by typing.
      await cycleForm.getByLabel("Find people").fill("oko");
      assert.equal(await cycleForm.locator(".participant-list li").count(), 1);
      await cycleForm.getByLabel("Ben Okoro").check();
      await cycleForm.getByLabel("Find people").fill("");
      await cycleForm.getByLabel("Ana Lima").check();
      await cycleForm.getByText("Participants (2 chosen)").waitFor();
      // A deadline outside the cycle is refused, and nothing is started.
      await cycleForm.getByLabel("Self reviews due").fill("2025-12-01");
      await cycleForm.getByRole("button", { name: "Start the cycle" }).click();
      await cycleForm.getByRole("alert").filter({ hasText: "outside the cycle" }).waitFor();
      await cycleForm.getByLabel("Self reviews due").fill("2027-01-15");
      await cycleForm.getByRole("button", { name: "Start the cycle" }).click();
      await maria.getByRole("heading", { name: "2026 annual review" }).waitFor();
      const rows = maria.getByTestId("cycle-reviews").locator("tbody tr");
      await rows.filter({ hasText: "Ben Okoro" }).waitFor();
      assert.equal(await rows.count(), 2);
      await rows.filter({ hasText: "Ana Lima" }).getByRole("link").click();
      await maria.getByTestId("review-stage").filter({ hasText: "Draft" }).waitFor();
      await maria.getByLabel("New goal").fill("Ship the mobile app");
      await maria.getByLabel("Weight (%)").first().fill("100");
      await maria.getByRole("button", { name: "Add goal" }).click();
      await maria.getByRole("button", { name: "Open for self review" }).click();
      await maria.getByTestId("review-stage").filter({ hasText: "Self review" }).waitFor();
      await waitUntilSaved(maria);

      // Ana joins on her tablet with Maria's invitation and writes her self review.
      await acceptInvitation(ana, await invite(maria, "Ana Lima"), "Ana Lima");
      await ana.getByTestId("org-name").filter({ hasText: "Review Co" }).waitFor({ timeout: 15_000 });
      // Nobody is picked from a list any more, and an employee changes no one.
      assert.equal(await ana.getByLabel("Who are you?").count(), 0);
      await goTo(ana, "People");
      await ana.getByTestId("people-read-only").waitFor();
      assert.equal(await ana.getByRole("button", { name: "Add person" }).count(), 0);
      await goTo(ana, "Reviews");
      await ana.getByTestId("my-reviews").getByRole("link", { name: "Ana Lima (you)" }).click({ timeout: 15_000 });
      await ana.getByLabel("Self assessment").fill("I shipped the app to 10,000 people.");
      await ana.getByLabel("Self rating").selectOption("3");
      await ana.getByRole("button", { name: "Submit self review" }).click();
      await ana.getByTestId("review-stage").filter({ hasText: "Manager review" }).waitFor();
      // The manager's assessment is not hers to write.
      await ana.getByTestId("manager-assessment").waitFor();
      await waitUntilSaved(ana);

      // Maria holds a check-in with Ana with the network cut.
      await goTo(maria, "Reviews");
      await maria.getByRole("button", { name: "Open check-ins: With Ana Lima" }).click();
      await maria.getByRole("heading", { name: "Check-ins: Maria Rossi and Ana Lima" }).waitFor();
      await laptop.setOffline(true);
      // Offline, or, when the two devices linked directly, only the relay out of reach.
      await maria.getByTestId("sync-status").filter({ hasText: /^(Offline|Relay not reached)/ }).waitFor({ timeout: 15_000 });
      await maria.getByRole("button", { name: "Add meeting" }).click();
      await maria.getByTestId("meeting").waitFor();
      await maria.getByLabel("Add a topic").fill("Mobile launch retro");
      await maria.getByRole("button", { name: "Add to agenda" }).click();
      await maria.getByLabel("Notes", { exact: true }).pressSequentially("Launch went well.");
      await maria.getByLabel("New action").fill("Book the design course");
      await maria.getByLabel("Owner").selectOption({ label: "Ana Lima" });
      await maria.getByRole("button", { name: "Add action" }).click();
      await maria.getByTestId("actions").getByText("Book the design course").waitFor();
      await maria.getByTestId("privacy-note").filter({ hasText: "kept only on this device" }).waitFor();
      await maria.getByLabel("New note").fill("Ready to lead the next launch.");
      await maria.getByRole("button", { name: "Save note" }).click();
      await maria.getByTestId("coaching-notes").getByText("Ready to lead the next launch.").waitFor();
      await laptop.setOffline(false);
      await maria.getByTestId("sync-status").filter({ hasText: "Synced with relay" }).waitFor({ timeout: 20_000 });
      // What was written offline reaches Ana; the coaching notes do not.
      await goTo(ana, "Reviews");
      await ana.getByRole("button", { name: "Open check-ins: With Maria Rossi (your manager)" }).click();
      await ana.getByTestId("actions").getByText("Book the design course").waitFor({ timeout: 20_000 });
      await ana.getByTestId("agenda").getByText("Mobile launch retro").waitFor();
      assert.equal(await ana.getByLabel("Notes", { exact: true }).inputValue(), "Launch went well.");
      assert.equal(await ana.getByTestId("coaching-notes").count(), 0, "the employee sees no coaching notes");
      assert.doesNotMatch(await ana.content(), /Ready to lead/);

      // Maria's manager review, then calibration on the 9-box by drag.
      await goTo(maria, "Reviews");
      await maria.getByTestId("cycles").getByRole("link", { name: "2026 annual review" }).click();
      await rows.filter({ hasText: "Ana Lima" }).filter({ hasText: "Manager review" }).getByRole("link").click({ timeout: 15_000 });
      assert.equal(await maria.getByTestId("self-assessment").textContent(), "I shipped the app to 10,000 people.");
      // Maria asks Ben and Chen for feedback on Ana, anonymous to Ana; each, on their own
      // phone (joined with their invitation), finds the request under Reviews and writes it.
      for (const colleague of ["Ben Okoro", "Chen Wu"]) {
        await choosePerson(maria, "Ask a colleague", colleague);
        await maria.getByLabel("Anonymous to the employee").check();
        await maria.getByRole("button", { name: "Ask for feedback" }).click();
        await maria.getByTestId("peer-feedback").getByText(`Asked ${colleague}; not written yet.`).waitFor();
      }
      const anaReview = new URL(maria.url()).pathname.split("/").pop();
      const feedbackDocuments = [];
      // `keep`: the phone stays open, and its page is returned.
      const writeAsked = async (colleague, words, keep = false) => {
        const link = await invite(maria, colleague);
        const phone = await browser.newContext({ serviceWorkers: "block" });
        // A phone that leaves the network loses its direct links too, which the browser's
        // offline mode keeps: `cutDirectLinks()` closes them.
        if (keep) await phone.addInitScript(cuttableDirectLinks);
        let kept = false;
        try {
          const page = await phone.newPage();
          await acceptInvitation(page, link, colleague);
          await goTo(page, "Reviews");
          await page.getByTestId("feedback-asked").getByText("not written yet").waitFor({ timeout: 20_000 });
          await page.getByTestId("feedback-asked").getByRole("link", { name: "Feedback for Ana Lima" }).click();
          // Written in a document of its own: the writer is told who reads it (and that a
          // lone anonymous answer is not shown), and their device never holds Ana's review.
          await page.getByTestId("feedback-privacy").filter({ hasText: "without your name, and only if at least 2 colleagues" }).waitFor();
          const document = new URL(page.url()).pathname.split("/").pop();
          feedbackDocuments.push(document);
          // Saved as it is typed: no button to forget.
          await page.getByLabel("Your feedback (you were asked)").fill(words);
          await goTo(page, "Reviews");
          await page.getByTestId("feedback-asked").getByText("written", { exact: true }).waitFor();
          await waitUntilSaved(page);
          await page.getByTestId("sync-status").filter({ hasText: /Synced/ }).waitFor({ timeout: 20_000 });
          const holds = await storedDocumentIds(page);
          assert.ok(holds.includes(document), `${colleague}'s device holds what they wrote (${holds})`);
          assert.ok(!holds.includes(anaReview), `${colleague}'s device never holds Ana's review (${holds})`);
          kept = keep;
          return keep ? { phone, page } : undefined;
        } finally {
          if (!kept) await phone.close();
        }
      };
      const openAnasReview = async () => {
        await goTo(maria, "Reviews");
        await maria.getByTestId("cycles").getByRole("link", { name: "2026 annual review" }).click();
        await rows.filter({ hasText: "Ana Lima" }).getByRole("link").click();
      };
      await writeAsked("Ben Okoro", "Ana unblocked our team twice.");
      await openAnasReview();
      await maria.getByTestId("peer-feedback").getByText("Ana unblocked our team twice.").waitFor();
      // One anonymous answer alone would name Ben: Maria is told it would be held back.
      await maria.getByTestId("anonymous-held-back").filter({ hasText: "1 anonymous answer is held back from the employee" }).waitFor();
      const chen = await writeAsked("Chen Wu", "Ana explains hard things simply.", true);
      await openAnasReview();
      await maria.getByTestId("peer-feedback").getByText("Ana explains hard things simply.").waitFor({ timeout: 20_000 });
      await maria.getByTestId("anonymous-held-back").waitFor({ state: "detached" });
      await maria.getByLabel("Manager assessment").fill("A strong year.");
      await maria.getByLabel("Overall rating").selectOption("3");
      await maria.getByLabel("Potential").selectOption("Moderate");
      await maria.getByRole("button", { name: "Submit for calibration" }).click();
      await maria.getByTestId("review-stage").filter({ hasText: "Calibration" }).waitFor();
      await maria.getByLabel("Name this version").fill("Before calibration");
      await maria.getByRole("button", { name: "Name version" }).click();
      await maria.getByTestId("review-versions").getByText("Before calibration", { exact: true }).waitFor();
      await maria.goBack();
      await maria.getByRole("link", { name: "Calibration" }).click();
      const card = maria.locator(".person-card", { hasText: "Ana Lima" });
      const star = maria.locator('[data-box="high-high"]');
      await maria.locator('[data-box="moderate-moderate"]').locator(".person-card", { hasText: "Ana Lima" }).waitFor();
      const from = await card.boundingBox();
      const to = await star.boundingBox();
      await maria.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
      await maria.mouse.down();
      await maria.mouse.move(to.x + to.width / 2, to.y + to.height / 2, { steps: 8 });
      await maria.mouse.up();
      await star.locator(".person-card", { hasText: "Ana Lima" }).waitFor();
      await maria.getByTestId("distribution").getByText("1 (100%)").waitFor();
      // Keyboard: one step left (performance down) and back.
      await star.locator(".person-card", { hasText: "Ana Lima" }).focus();
      await maria.keyboard.press("ArrowLeft");
      await maria.locator('[data-box="moderate-high"]').locator(".person-card", { hasText: "Ana Lima" }).waitFor();
      // Focus follows the card to its new box (in the frame after the move), so the next
      // key moves it again. A key pressed before then went nowhere: the card it was on is gone.
      await maria.waitForFunction(() => {
        const focused = document.activeElement;
        return focused?.closest('[data-box="moderate-high"]') && focused.textContent.includes("Ana Lima");
      });
      await maria.keyboard.press("ArrowRight");
      await star.locator(".person-card", { hasText: "Ana Lima" }).waitFor();

      // Shared, signed by Maria, acknowledged by Ana.
      await maria.goBack();
      await rows.filter({ hasText: "Ana Lima" }).getByRole("link").click();
      await maria.getByTestId("calibration-notes").getByText(/Maria Rossi changed the overall rating from 3 – Meets expectations to 4 – Exceeds expectations/).first().waitFor();
      // The version named before calibration compares with now in words.
      await maria.getByRole("button", { name: "Compare “Before calibration” with now" }).click();
      await maria.getByTestId("review-versions").getByText("Overall rating changed from 3 – Meets expectations to 4 – Exceeds expectations").waitFor();
      // Her drafting and the calibration are on the manager's side, and its sessions are
      // in the review's history with the review's own: the newest says what it changed.
      const sideSessions = maria.getByTestId("review-history").getByRole("listitem").filter({ hasText: "the manager's side" });
      await sideSessions.first().waitFor();
      await sideSessions.first().getByRole("button", { name: "What changed" }).click();
      await sideSessions.first().getByText(/Overall rating/).first().waitFor();
      // Chen's phone loses the network, and he adds to his words there; then Maria shares
      // the review, which closes the feedback with the words it held.
      await chen.phone.setOffline(true);
      await chen.page.evaluate(() => window.cutDirectLinks());
      await chen.page.getByTestId("sync-status").filter({ hasText: /^Offline/ }).waitFor({ timeout: 15_000 });
      const chenWords = "Ana explains hard things simply. She also ran the launch retro.";
      await goTo(chen.page, "Reviews");
      await chen.page.getByTestId("feedback-asked").getByRole("link", { name: "Feedback for Ana Lima" }).click();
      await chen.page.getByLabel("Your feedback (you were asked)").fill(chenWords);
      await waitUntilSaved(chen.page);
      await maria.getByRole("button", { name: "Share with the employee" }).click();
      await maria.getByTestId("review-stage").filter({ hasText: "Shared" }).waitFor();
      // Back online, his words reach the closed feedback. They are not shared on their
      // own (nothing tells them from words added after the close): Maria is shown them,
      // and shares them in place of what the feedback closed with.
      await chen.phone.setOffline(false);
      const late = maria.getByTestId("late-feedback").filter({ hasText: "She also ran the launch retro." });
      await late.waitFor({ timeout: 30_000 });
      await chen.page.getByText("The review was shared before these words reached it").waitFor({ timeout: 20_000 });
      await chen.phone.close();
      await late.getByRole("button", { name: "Share these words instead" }).click();
      await maria.getByTestId("late-feedback").waitFor({ state: "detached" });
      await maria.getByTestId("peer-feedback").getByText(chenWords).waitFor();
      await maria.getByRole("button", { name: "Sign this review" }).click();
      await maria.getByTestId("signatures").getByText(/Signed by the manager: Maria Rossi/).waitFor();
      // Signed with Maria's device key, and checked wherever it is shown.
      await maria.getByTestId("seal").filter({ hasText: "Verified: signed with their device's key." }).waitFor();
      await goTo(ana, "Reviews");
      await ana.getByTestId("my-reviews").getByRole("link", { name: "Ana Lima (you)" }).click();
      // She says she does not agree, and why; the manager reads it.
      // What Maria drafted reached Ana's review when it was shared.
      await ana.getByTestId("manager-assessment").filter({ hasText: "A strong year." }).waitFor({ timeout: 20_000 });
      await ana.getByLabel("I do not agree with this review").check({ timeout: 20_000 });
      await ana.getByLabel("Your comment (optional)").fill("The rating leaves out the launch.");
      await ana.getByRole("button", { name: "Acknowledge this review" }).click();
      await ana.getByTestId("review-stage").filter({ hasText: "Signed" }).waitFor();
      await ana.getByTestId("signed-notice").waitFor();
      assert.equal(await ana.getByTestId("seal").filter({ hasText: "Verified" }).count(), 2, "both signatures verify on Ana's device");
      // Both anonymous answers, shared together, named by no one.
      await ana.getByTestId("peer-feedback").getByText("Ana unblocked our team twice.").waitFor();
      await ana.getByTestId("peer-feedback").getByText(chenWords, { exact: true }).waitFor();
      assert.equal(await ana.getByTestId("peer-feedback").getByText("— A colleague (anonymous)").count(), 2);
      assert.doesNotMatch(await ana.getByTestId("peer-feedback").textContent(), /Ben Okoro|Chen Wu/, "anonymous to the employee");
      // Shared as a copy made by Maria's device: Ana's never holds the document Ben wrote in.
      const anaHolds = await storedDocumentIds(ana);
      assert.ok(anaHolds.includes(anaReview), `Ana's device holds her review (${anaHolds})`);
      for (const document of feedbackDocuments) {
        assert.ok(!anaHolds.includes(document), `Ana's device never holds a colleague's feedback document (${anaHolds})`);
      }
      // Maria drafted and HR calibrated on the manager's side, a document Ana's device
      // never holds (its id is derived from the review's on every device).
      const side = managerSideOf(anaReview);
      assert.ok((await storedDocumentIds(maria)).includes(side), "Maria's device holds the manager's side");
      assert.ok(!anaHolds.includes(side), `Ana's device never holds the manager's side (${anaHolds})`);
      await maria.getByTestId("signed-notice").waitFor({ timeout: 20_000 });
      await maria.getByTestId("sign-off-comment").getByText("The rating leaves out the launch.").waitFor();
      await maria.getByTestId("agreement").filter({ hasText: "Does not agree with the review" }).waitFor();

      // The signed review exports and prints.
      const markdown = await download(maria, () => maria.getByRole("button", { name: "Download Markdown" }).click());
      assert.match(markdown, /^# Ana Lima — 2026 annual review/);
      assert.match(markdown, /I shipped the app to 10,000 people\./);
      assert.match(markdown, /- Overall rating: 4 – Exceeds expectations/);
      assert.match(markdown, /- Acknowledged by the employee: Ana Lima on /);
      assert.match(markdown, /  - Does not agree with the review\n  - Comment: The rating leaves out the launch\./);
      assert.match(markdown, /- Signed by the manager: Maria Rossi on /);
      assert.match(markdown, /> Ana unblocked our team twice\.\n>\n> — Ben Okoro/, "the manager sees who wrote it");
      const json = JSON.parse(await download(maria, () => maria.getByRole("button", { name: "Download JSON" }).click()));
      assert.equal(json.format, "throughline-review");
      assert.equal(json.stage, "Signed");
      assert.equal(json.overall, 4);
      assert.equal(json.signature.heads.length > 0, true, "the signature records the heads signed");
      await maria.emulateMedia({ media: "print" });
      assert.equal(await maria.getByRole("button", { name: "Download Markdown" }).isVisible(), false, "buttons are not printed");
      assert.equal(await maria.getByTestId("signatures").isVisible(), true);
      const pdf = await maria.pdf({ format: "A4" });
      assert.ok(pdf.length > 10_000, "a printed review");
      await maria.emulateMedia({ media: "screen" });
      await maria.goBack();
      const csv = await download(maria, () => maria.getByRole("button", { name: "Download ratings (CSV)" }).click());
      assert.match(csv, /^Employee,Manager,Stage,Overall rating/);
      assert.match(csv, /Ana Lima,Maria Rossi,Signed,4,Exceeds expectations,High,Star,0,yes,yes/);
      assert.match(csv, /Ben Okoro,Maria Rossi,Draft,,,,,,no,no/);

      // Ana's tablet holds her own review and nobody else's, even after she opens the
      // cycle's page, which shows her only her own row and no ratings overview.
      const reviewId = async (name) => (await rows.filter({ hasText: name }).getByRole("link").getAttribute("href")).split("/").pop();
      const benReview = await reviewId("Ben Okoro");
      assert.equal(await reviewId("Ana Lima"), anaReview);
      await ana.goto(maria.url());
      await ana.getByTestId("cycle-not-shown").waitFor();
      assert.equal(await ana.getByTestId("cycle-reviews").locator("tbody tr").count(), 1);
      assert.equal(await ana.getByRole("button", { name: "Download ratings (CSV)" }).isVisible(), false);
      await ana.goto(new URL(`/reviews/${benReview}`, ana.url()).href);
      await ana.getByTestId("not-yours").waitFor();
      const held = await storedDocumentIds(ana);
      assert.ok(held.includes(anaReview), `Ana's device holds her review (${held})`);
      assert.ok(!held.includes(benReview), `Ana's device never holds Ben's review (${held})`);
    });
  } finally {
    await relay.stop();
  }
});

test("a goal aligned to a plan objective shows on the objective and up the person's page", async () => {
  await withApp(browser, {}, async ({ relay, page }) => {
    await page.goto(relay.base);
    await nameOrganisation(page, "Aligned Co");
    await goTo(page, "People");
    await addPersonReportingTo(page, "Maria Rossi");
    await addPersonReportingTo(page, "Ana Lima", "Maria Rossi");
    await iAm(page, "Maria Rossi");
    await page.getByRole("button", { name: "Add a rating scale" }).click();
    await page.getByRole("form", { name: "Rating scale: New rating scale" }).getByRole("button", { name: "Save scale" }).click();
    await page.getByRole("button", { name: "Add a review template" }).click();
    await page.getByRole("form", { name: "Review template: New review template" }).getByRole("button", { name: "Save template" }).click();

    // A plan with a goal and an objective.
    await goTo(page, "Plans");
    await page.getByRole("button", { name: "New plan" }).click();
    const planForm = page.getByRole("form", { name: "New plan" });
    await planForm.getByLabel("Title").fill("Growth 2027–2029");
    await planForm.getByLabel("Start year").fill("2027");
    await planForm.getByLabel("End year").fill("2029");
    await planForm.getByRole("button", { name: "Create plan" }).click();
    await page.getByRole("heading", { level: 1, name: "Growth 2027–2029" }).waitFor();
    const planUrl = page.url().replace(/\/(overview)?$/, "");
    await page.getByRole("navigation", { name: "Plan sections" }).getByRole("link", { name: "Goals" }).click();
    await page.getByLabel("New goal").fill("Grow in Europe");
    await page.getByRole("button", { name: "Add goal" }).click();
    const planGoal = page.getByTestId("goal").filter({ hasText: "Grow in Europe" });
    await planGoal.getByLabel("New objective").fill("Win Nordic customers");
    await planGoal.getByRole("button", { name: "Add objective" }).click();
    await page.getByTestId("objective").filter({ hasText: "Win Nordic customers" }).waitFor();

    // Ana's goal serves that objective.
    await goTo(page, "Reviews");
    await page.getByRole("button", { name: "Start a review cycle" }).click();
    const cycleForm = page.getByRole("form", { name: "New review cycle" });
    await cycleForm.getByLabel("Ana Lima").check();
    await cycleForm.getByRole("button", { name: "Start the cycle" }).click();
    await page.getByTestId("cycle-reviews").locator("tbody tr").filter({ hasText: "Ana Lima" }).getByRole("link").click();
    await page.getByLabel("New goal").fill("Open the Oslo office");
    await page.getByLabel("Weight (%)").first().fill("100");
    await page.getByRole("button", { name: "Add goal" }).click();
    await page.getByLabel("Serves").selectOption({ label: "Growth 2027–2029 › Win Nordic customers" });
    await page.getByText("Objective health:").waitFor();
    await page.getByLabel("Progress (%)").fill("40");
    await page.getByLabel("Progress (%)").press("Tab");
    await page.getByTestId("goals-summary").getByText("Weighted progress 40%.").waitFor();

    // The objective lists it; Ana's page shows the chain up to the plan.
    await page.goto(`${planUrl}/goals`);
    const aligned = page.getByTestId("objective").filter({ hasText: "Win Nordic customers" }).getByTestId("aligned-goals");
    await aligned.getByText("Ana Lima: Open the Oslo office").waitFor({ timeout: 15_000 });
    await aligned.getByText(/40% · /).waitFor();
    await goTo(page, "People");
    await page.getByTestId("person-name").filter({ hasText: "Ana Lima" }).click();
    await page.getByRole("heading", { level: 1, name: "Ana Lima" }).waitFor();
    await page.getByTestId("goals-to-plan").getByText("Win Nordic customers → Grow in Europe → Growth 2027–2029").waitFor({ timeout: 15_000 });

    // Praise about that goal shows on her page, and can be pulled into her review.
    await page.getByLabel("What you want to say").fill("The Oslo launch plan is excellent.");
    await page.getByLabel("About a goal (optional)").selectOption({ label: "Open the Oslo office" });
    await page.getByRole("button", { name: "Give", exact: true }).click();
    await page.getByTestId("feedback-received").getByText("The Oslo launch plan is excellent.").waitFor();
    await page.getByTestId("feedback-received").getByText(/praise on .* · about “Open the Oslo office”/).waitFor();
    // Sealed by Maria's device: shown as hers, with nothing to doubt.
    await page.getByTestId("feedback-received").getByText(/^— Maria Rossi, praise on /).waitFor();
    assert.doesNotMatch(await page.getByTestId("feedback-received").textContent(), /FORGED|not verifiable/);
    await page.getByTestId("goals-to-plan").getByRole("link", { name: "Open the Oslo office" }).click();
    await page.getByRole("button", { name: "Pull into this review" }).click();
    await page.getByText(/— Maria Rossi, praise on /).waitFor();
  });
});

test("an employee nominates a colleague, the manager approves, and HR reminds whoever is late", async () => {
  const relay = await startRelay();
  try {
    await withTwoDevices(browser, async ({ a: maria, b: ana }) => {
      await maria.goto(relay.base);
      await nameOrganisation(maria, "Nudge Co");
      await goTo(maria, "People");
      await addPersonReportingTo(maria, "Maria Rossi");
      await addPersonReportingTo(maria, "Ana Lima", "Maria Rossi");
      await addPersonReportingTo(maria, "Cy Park", "Maria Rossi");
      await iAm(maria, "Maria Rossi");
      await maria.getByRole("button", { name: "Add a rating scale" }).click();
      await maria.getByRole("form", { name: "Rating scale: New rating scale" }).getByRole("button", { name: "Save scale" }).click();
      await maria.getByRole("button", { name: "Add a review template" }).click();
      await maria.getByRole("form", { name: "Review template: New review template" }).getByRole("button", { name: "Save template" }).click();

      // A cycle whose self reviews were due last week, opened for everyone at once.
      await goTo(maria, "Reviews");
      await maria.getByRole("button", { name: "Start a review cycle" }).click();
      const cycleForm = maria.getByRole("form", { name: "New review cycle" });
      const lastWeek = new Date(Date.now() - 7 * 86_400_000).toISOString().slice(0, 10);
      const year = lastWeek.slice(0, 4);
      await cycleForm.getByLabel("Period starts").fill(`${year}-01-01`);
      await cycleForm.getByLabel("Self reviews due").fill(lastWeek);
      await cycleForm.getByLabel("Ana Lima").check();
      await cycleForm.getByRole("button", { name: "Start the cycle" }).click();
      await maria.getByRole("button", { name: "Open all drafts for self review (1)" }).click();
      await maria.getByText("Opened 1 review for self review.").waitFor();

      // Ana joins; Maria reminds everyone late, and Ana sees it on her Home page.
      await acceptInvitation(ana, await invite(maria, "Ana Lima"), "Ana Lima");
      await goTo(maria, "Reviews");
      await maria.getByTestId("cycles").getByRole("link").first().click();
      await maria.getByRole("button", { name: "Remind everyone late (1)" }).click();
      await maria.getByText("Reminded 1 person; each sees it on their Home page.").waitFor();
      await goTo(ana, "Home");
      await ana.getByTestId("nudges").getByText(/Self review was due on/).waitFor({ timeout: 20_000 });

      // Ana nominates Cy; Cy is not asked until Maria approves.
      await goTo(ana, "Reviews");
      await ana.getByTestId("my-reviews").getByRole("link", { name: "Ana Lima (you)" }).click({ timeout: 15_000 });
      await choosePerson(ana, "Nominate a colleague", "Cy Park");
      await ana.getByRole("button", { name: "Nominate" }).click();
      await ana.getByTestId("peer-feedback").getByText("Cy Park nominated by the employee; waiting for the manager's approval.").waitFor();
      await goTo(maria, "Home");
      await maria.getByRole("link", { name: /^Approve the colleagues Ana Lima nominated for feedback/ }).click({ timeout: 20_000 });
      await maria.getByRole("button", { name: "Approve asking Cy Park" }).click();
      // Approved: Cy is asked in a document of their own, which Maria's device holds.
      await maria.getByTestId("peer-feedback").getByText("Asked Cy Park; not written yet.").waitFor();
      await ana.getByTestId("peer-feedback").getByText("Cy Park was asked; you read what they write when the review is shared with you.").waitFor({ timeout: 20_000 });
    });
  } finally {
    await relay.stop();
  }
});
