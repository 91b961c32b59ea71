// Copying a share link or a pairing code, and the app on a page that is not secure. On a
// secure page (this machine's own address) the text reaches the clipboard and the page
// says so. A relay reached over plain http from the local network gets none of the
// browser's secure-only features (service worker, clipboard, camera, storage manager):
// the app still runs, selects the text for the person to copy and says why, instead of
// claiming it was copied.
import { test } from "node:test";
import assert from "node:assert/strict";
import { networkInterfaces } from "node:os";
import { goTo, nameOrganisation, newPlan, sharedBrowser, withApp } from "./support.mjs";

const browser = sharedBrowser();

/** An IPv4 address of this machine other than loopback: an origin the browser does not trust. */
function localNetworkAddress() {
  const address = Object.values(networkInterfaces())
    .flat()
    .find((a) => a.family === "IPv4" && !a.internal);
  assert.ok(address, "this test needs a network address other than loopback: run it through `cargo xtask test`");
  return address.address;
}

const clipboard = { serviceWorkers: "block", permissions: ["clipboard-read", "clipboard-write"] };

test("a share link and a pairing code are copied to the clipboard, and the page says so", async () => {
  await withApp(browser, { context: clipboard }, async ({ relay, page }) => {
    await page.goto(relay.base);
    await nameOrganisation(page, "Copy Co");
    await newPlan(page, "Copy plan");
    await page.getByText("Share this plan").click();
    await page.getByRole("button", { name: "Copy", exact: true }).click();
    await page.getByTestId("copy-outcome").filter({ hasText: /^Copied\.$/ }).waitFor();
    const link = await page.getByTestId("share-page-link").inputValue();
    assert.match(link, /\/join\?workspace=/);
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), link);

    await goTo(page, "Settings");
    await page.getByTestId("show-pairing-code").click();
    await page.getByRole("button", { name: "Copy the code" }).click();
    await page.getByTestId("copy-outcome").filter({ hasText: /^Copied\.$/ }).waitFor();
    const code = await page.getByTestId("pairing-code").inputValue();
    assert.match(code, /^THL1[A-Z2-7]+$/);
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), code);
  });
});

test("on plain http from the local network the app runs; a code to copy is selected instead, and the page says what http costs", async () => {
  await withApp(browser, { relay: { host: localNetworkAddress() }, context: clipboard }, async ({ relay, page }) => {
    await page.goto(relay.base);
    assert.equal(await page.evaluate(() => window.isSecureContext), false, "the page is served over plain http from the network");
    await nameOrganisation(page, "Copy Co");
    await goTo(page, "Settings");
    await page.getByTestId("show-pairing-code").click();
    await page.getByRole("button", { name: "Copy the code" }).click();
    await page
      .getByTestId("copy-outcome")
      .filter({ hasText: "This browser copies only for a page served over https. The text is selected" })
      .waitFor();
    const selected = await page.evaluate(() => {
      const field = document.activeElement;
      return { id: field.id, all: field.selectionStart === 0 && field.selectionEnd === field.value.length && field.value.length > 0 };
    });
    assert.deepEqual(selected, { id: "pairing-code-text", all: true });

    // The camera is refused for the same reason, said in words; and the page says what
    // plain http costs: no copy of the app for offline use, no asking to keep the data.
    await page.getByTestId("scan-code").first().click();
    await page.getByRole("alert").filter({ hasText: "The camera could not be used (this browser offers the camera only to a page served over https). Type or paste the code instead." }).waitFor();
    await page.getByTestId("insecure-page").filter({ hasText: "served over plain http" }).waitFor();
    assert.equal(await page.getByRole("button", { name: "Keep data on this device" }).count(), 0);
  });
});
