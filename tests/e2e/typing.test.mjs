// Nothing a person types is lost: a review's written answers, its goals' titles and
// descriptions, and peer feedback are saved as they are typed (no leaving the field
// first), survive a reload or a closed tab straight after typing, and merge with what
// someone else types in the same field at the same time.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  acceptInvitation, addPersonReportingTo, goTo, iAm, invite, nameOrganisation, newPlan, sharedBrowser, startRelay, waitForValue, waitUntilSaved, withApp, withTwoDevices,
} from "./support.mjs";

const browser = sharedBrowser();

/**
 * On her own laptop (a profile of its own, through `relay`), Maria (HR and manager) sets
 * up a scale, the starter template and a cycle for Ana, adds a goal to Ana's review,
 * opens it for self review and invites Ana; `device` accepts the invitation and shows
 * Ana's review. Returns the review page's URL.
 */
async function anaReviewOpenForSelfReview(device, relay) {
  const laptop = await browser.newContext({ serviceWorkers: "block" });
  try {
    const maria = await laptop.newPage();
    await maria.goto(relay.base);
    const url = await setUpAsMaria(maria);
    // Maria's laptop stays open until Ana's device has joined (it may be the only
    // device with the invitation on it until the relay has it).
    await acceptInvitation(device, await invite(maria, "Ana Lima"), "Ana Lima");
    await device.goto(url);
    await device.getByTestId("review-stage").filter({ hasText: "Self review" }).waitFor({ timeout: 15_000 });
    return url;
  } finally {
    await laptop.close();
  }
}

async function setUpAsMaria(page) {
  await nameOrganisation(page, "Typing Co");
  await goTo(page, "People");
  await addPersonReportingTo(page, "Maria Rossi");
  await addPersonReportingTo(page, "Ana Lima", "Maria Rossi");
  await iAm(page, "Maria Rossi");
  await page.getByRole("button", { name: "Add a rating scale" }).click();
  const scale = page.getByRole("form", { name: "Rating scale: New rating scale" });
  await scale.getByLabel("Levels, one per line: value and label").fill("1 Below\n2 Meets\n3 Exceeds");
  await scale.getByRole("button", { name: "Save scale" }).click();
  await page.getByTestId("scales").getByRole("form").waitFor();
  await page.getByRole("button", { name: "Add a review template" }).click();
  await page.getByRole("form", { name: "Review template: New review template" }).getByRole("button", { name: "Save template" }).click();
  await page.getByTestId("templates").getByRole("form").waitFor();
  await goTo(page, "Reviews");
  await page.getByRole("button", { name: "Start a review cycle" }).click();
  const cycle = page.getByRole("form", { name: "New review cycle" });
  await cycle.getByLabel("Name").fill("2026 annual review");
  await cycle.getByLabel("Ana Lima").check();
  await cycle.getByRole("button", { name: "Start the cycle" }).click();
  await page.getByRole("heading", { name: "2026 annual review" }).waitFor();
  // Each manager's progress; every draft opened for self review at once.
  await page.getByTestId("cycle-progress").getByRole("row").filter({ hasText: "Maria Rossi" }).filter({ hasText: "Draft: 1" }).waitFor();
  await page.getByTestId("cycle-reviews").locator("tbody tr").filter({ hasText: "Ana Lima" }).getByRole("link").click();
  await page.getByLabel("New goal").fill("Ship the app");
  await page.getByRole("button", { name: "Add goal" }).click();
  await page.goBack();
  await page.getByRole("button", { name: "Open all drafts for self review (1)" }).click();
  await page.getByText("Opened 1 review for self review.").waitFor();
  await page.getByTestId("cycle-progress").getByRole("row").filter({ hasText: "Maria Rossi" }).filter({ hasText: "Self review: 1" }).waitFor();
  await page.getByTestId("cycle-reviews").locator("tbody tr").filter({ hasText: "Ana Lima" }).getByRole("link").click();
  await page.getByTestId("review-stage").filter({ hasText: "Self review" }).waitFor();
  await waitUntilSaved(page);
  return page.url();
}

const wentWell = (page) => page.getByRole("group", { name: "What went well this year?" }).getByLabel("Employee");
const goalTitle = (page) => page.locator(".goal-row").getByLabel("Goal", { exact: true });
const goalDescription = (page) => page.locator(".goal-row").getByLabel("Description", { exact: true });

test("what is typed into a review is kept through a reload and a closed tab, without leaving the field", async () => {
  await withApp(browser, {}, async ({ relay, context, page }) => {
    const review = await anaReviewOpenForSelfReview(page, relay);

    // Home says what is Ana's to do next, and counts the running cycle.
    await goTo(page, "Home");
    await page.getByTestId("for-you").getByRole("link", { name: "Write your self review (2026 annual review)" }).waitFor();
    await page.getByTestId("cycles-count").filter({ hasText: "1" }).waitFor();
    await page.goto(review);

    // Typed, and the page reloaded while the caret is still in the field. Every
    // keystroke after the first "é" lands after a character of two bytes, the emoji's
    // after one of four: each must be saved where it was typed.
    const words = "José and I shipped the café app 🚀 to Müller’s team.";
    await wentWell(page).click();
    await wentWell(page).pressSequentially(words);
    await page.reload();
    await waitForValue(wentWell(page), words);

    // The goal retitled and described, and the tab closed straight after.
    await goalTitle(page).click();
    await goalTitle(page).press("End");
    await goalTitle(page).pressSequentially(" to phones");
    await goalDescription(page).click();
    await goalDescription(page).pressSequentially("Both stores.");
    await page.close({ runBeforeUnload: true });

    const again = await context.newPage();
    await again.goto(review);
    await waitForValue(goalTitle(again), "Ship the app to phones");
    await waitForValue(goalDescription(again), "Both stores.");
    await waitForValue(wentWell(again), words);
    // Lists show the new title too.
    await again.getByRole("button", { name: "Move goal Ship the app to phones up" }).waitFor();
    await again.close();
  });
});

test("two devices typing in one answer at once keep both texts", async () => {
  const relay = await startRelay();
  try {
    await withTwoDevices(browser, async ({ laptop, a, b }) => {
      const review = await anaReviewOpenForSelfReview(a, relay);
      // Her second device joins by an invitation from her first.
      await goTo(a, "Settings");
      await a.getByRole("button", { name: "Add another device of yours" }).click();
      const own = await a.getByTestId("invitation-link").inputValue();
      await acceptInvitation(b, own, "Ana Lima");
      await b.getByTestId("org-name").filter({ hasText: "Typing Co" }).waitFor({ timeout: 15_000 });
      await goTo(a, "Settings");
      await a.getByText("You have 2 devices in the workspace.").waitFor({ timeout: 15_000 });
      await b.goto(review);
      await b.getByTestId("review-stage").filter({ hasText: "Self review" }).waitFor({ timeout: 15_000 });
      await a.goto(review);
      await a.getByTestId("review-stage").filter({ hasText: "Self review" }).waitFor();

      // Live: what one types appears on the other as it is typed.
      await wentWell(a).pressSequentially("Launched. ");
      await waitForValue(wentWell(b), "Launched. ");

      // Both type at once, the laptop with no network; nothing either typed is lost.
      await laptop.setOffline(true);
      // Offline, or, if the two devices linked directly, only the relay out of reach.
      await a.getByTestId("sync-status").filter({ hasText: /^(Offline|Relay not reached)/ }).waitFor({ timeout: 15_000 });
      await wentWell(a).press("End");
      await wentWell(a).pressSequentially("On time.");
      await wentWell(b).press("End");
      await wentWell(b).pressSequentially("Under budget.");
      await laptop.setOffline(false);
      const bothKept = (text) => text.startsWith("Launched. ") && text.includes("On time.") && text.includes("Under budget.")
        && text.length === "Launched. On time.Under budget.".length;
      for (const page of [a, b]) {
        const deadline = Date.now() + 20_000;
        let text;
        while (!bothKept((text = await wentWell(page).inputValue()))) {
          if (Date.now() > deadline) assert.fail(`both texts kept, not ${JSON.stringify(text)}`);
          await new Promise((r) => setTimeout(r, 100));
        }
      }
      assert.equal(await wentWell(a).inputValue(), await wentWell(b).inputValue(), "both devices hold the same text");
    }, { expectedErrors: [/WebSocket connection to .* failed/, /net::ERR_INTERNET_DISCONNECTED/] });
  } finally {
    await relay.stop();
  }
});

test("what is typed into a form and not yet sent is kept through a reload and a closed tab, and cleared once sent", async () => {
  await withApp(browser, {}, async ({ relay, context, page }) => {
    await page.goto(relay.base);
    await page.getByLabel("What is your organisation called?").fill("Drafts Co");
    await page.getByLabel("Your name").fill("Maria Rossi");
    await page.getByRole("button", { name: "Continue" }).click();
    await page.getByTestId("org-name").filter({ hasText: "Drafts Co" }).waitFor();
    await goTo(page, "People");
    await addPersonReportingTo(page, "Ana Lima", "Maria Rossi");

    // Praise half written, then a reload: still there; given: gone for good.
    await page.getByTestId("person-name").filter({ hasText: "Ana Lima" }).click();
    await page.getByLabel("What you want to say").pressSequentially("Thank you for the launch");
    await page.reload();
    await waitForValue(page.getByLabel("What you want to say"), "Thank you for the launch");
    await page.getByRole("button", { name: "Give", exact: true }).click();
    await page.getByTestId("feedback-received").getByText("Thank you for the launch").waitFor();
    await page.reload();
    await page.getByTestId("feedback-received").getByText("Thank you for the launch").waitFor();
    assert.equal(await page.getByLabel("What you want to say").inputValue(), "");

    // A check-in topic and a coaching note half written, then the tab closed.
    await goTo(page, "Reviews");
    await page.getByRole("button", { name: "Open check-ins: With Ana Lima" }).click();
    await page.getByRole("button", { name: "Add meeting" }).click();
    await page.getByTestId("meeting").waitFor();
    const url = page.url();
    await page.getByLabel("Add a topic").pressSequentially("Hiring plan");
    await page.getByLabel("New note").pressSequentially("Ask about the course");
    await page.close();
    const again = await context.newPage();
    await again.goto(url);
    await again.getByTestId("meeting").waitFor();
    await waitForValue(again.getByLabel("Add a topic"), "Hiring plan");
    await waitForValue(again.getByLabel("New note"), "Ask about the course");
    await again.getByRole("button", { name: "Add to agenda" }).click();
    await again.getByTestId("agenda").getByText("Hiring plan").waitFor();
    await again.reload();
    await again.getByTestId("agenda").getByText("Hiring plan").waitFor();
    assert.equal(await again.getByLabel("Add a topic").inputValue(), "");
    await waitForValue(again.getByLabel("New note"), "Ask about the course");

    // A plan goal's title, typed and not yet added, outlives a reload too.
    await newPlan(again, "Drafts plan");
    await again.getByRole("navigation", { name: "Plan sections" }).getByRole("link", { name: "Goals" }).click();
    await again.getByLabel("New goal").pressSequentially("Grow in the Nordics");
    await again.reload();
    await waitForValue(again.getByLabel("New goal"), "Grow in the Nordics");

    // A PESTLE factor half written: kept through a reload, gone once added.
    await again.getByRole("navigation", { name: "Plan sections" }).getByRole("link", { name: "Environment" }).click();
    const pestle = again.getByRole("form", { name: "Add a PESTLE factor" });
    await pestle.getByLabel("Factor").pressSequentially("New data rules");
    await again.reload();
    await waitForValue(again.getByRole("form", { name: "Add a PESTLE factor" }).getByLabel("Factor"), "New data rules");
    await again.getByRole("form", { name: "Add a PESTLE factor" }).getByRole("button", { name: "Add factor" }).click();
    await again.getByRole("cell", { name: "New data rules", exact: true }).waitFor();
    await again.reload();
    await again.getByRole("cell", { name: "New data rules", exact: true }).waitFor();
    assert.equal(await again.getByRole("form", { name: "Add a PESTLE factor" }).getByLabel("Factor").inputValue(), "");

    // A new person's name, and a rating scale's name and levels, half written.
    await goTo(again, "People");
    await again.getByRole("button", { name: "Add person" }).click();
    await again.getByRole("form", { name: "New person" }).getByLabel("Name").pressSequentially("Ben Okoro");
    await goTo(again, "Settings");
    await again.getByRole("button", { name: "Add a rating scale" }).click();
    const scale = again.getByRole("form", { name: "Rating scale: New rating scale" });
    await scale.getByLabel("Name").fill("");
    await scale.getByLabel("Name").pressSequentially("Four levels");
    await scale.getByLabel("Levels, one per line: value and label").fill("1 Low\n2 Fair\n3 Good\n4 Great");
    await again.reload();
    await again.getByRole("button", { name: "Add a rating scale" }).click();
    await waitForValue(again.getByRole("form", { name: "Rating scale: New rating scale" }).getByLabel("Name"), "Four levels");
    await waitForValue(again.getByRole("form", { name: "Rating scale: New rating scale" }).getByLabel("Levels, one per line: value and label"), "1 Low\n2 Fair\n3 Good\n4 Great");
    // A new template, its name and a competency typed, then a reload.
    await again.getByRole("button", { name: "Add a review template" }).click();
    const template = again.getByRole("form", { name: "Review template: New review template" });
    await template.getByLabel("Name", { exact: true }).fill("Engineers");
    await template.getByRole("button", { name: "Add a competency" }).click();
    await template.getByLabel("Competency 4").pressSequentially("Craft");
    await again.reload();
    await again.getByRole("button", { name: "Add a review template" }).click();
    const keptTemplate = again.getByRole("form", { name: "Review template: New review template" });
    await waitForValue(keptTemplate.getByLabel("Name", { exact: true }), "Engineers");
    await waitForValue(keptTemplate.getByLabel("Competency 4"), "Craft");
    await goTo(again, "People");
    await again.getByRole("button", { name: "Add person" }).click();
    await waitForValue(again.getByRole("form", { name: "New person" }).getByLabel("Name"), "Ben Okoro");
    await again.getByRole("form", { name: "New person" }).getByRole("button", { name: "Save" }).click();
    await again.getByTestId("person-name").filter({ hasText: "Ben Okoro" }).waitFor();
    await again.reload();
    await again.getByRole("button", { name: "Add person" }).click();
    assert.equal(await again.getByRole("form", { name: "New person" }).getByLabel("Name").inputValue(), "", "sent: not kept");
  });
});
