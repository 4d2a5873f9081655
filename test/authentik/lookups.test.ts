// A default object that is missing in Authentik (renamed flow, deleted
// certificate) fails with an error naming what was looked up and the config
// key that names it, whether the provider errors or answers with nothing.
import { afterEach, describe, expect, it, vi } from "vitest";
import { checkedLookup, LookupError } from "../../core/authentik/lookups";
import { captureStack } from "../../core/render/harness";
import { mocks } from "../../core/render/mocks";
import { loadRawConfig } from "../../core/render/project-files";
import { FIXTURE_CONFIG_DIR } from "../helpers/fixtures";
import { placeholderSecrets } from "../../core/secrets";

describe("checkedLookup", () => {
  it("names the look-up and the config key when the provider errors", async () => {
    const failing = () => Promise.reject(new Error("No matching flows found"));
    const err = await checkedLookup('flow with slug "my-consent"', ["authentik", "flows", "implicitConsent"], failing).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LookupError);
    expect((err as Error).message).toContain('flow with slug "my-consent"');
    expect((err as Error).message).toContain("homelab:authentik.flows.implicitConsent");
    expect((err as Error).message).toContain("No matching flows found");
  });

  it.each([[undefined], [{ id: "" }], [{ id: "-1" }]])("treats an empty answer (%j) as missing", async (answer) => {
    const err = await checkedLookup('group named "Admins"', ["authentik", "adminGroup"], () => Promise.resolve(answer)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LookupError);
    expect((err as Error).message).toContain('group named "Admins"');
    expect((err as Error).message).toContain("homelab:authentik.adminGroup");
  });

  it("returns the id it found", async () => {
    await expect(checkedLookup("flow", ["authentik"], () => Promise.resolve({ id: "f1" }))).resolves.toBe("f1");
  });
});

describe("a renamed default in a full render", () => {
  afterEach(() => vi.restoreAllMocks());

  it("fails the run with the slug and the config key, not a bare provider message", async () => {
    const config = { ...loadRawConfig("authentik", FIXTURE_CONFIG_DIR) };
    const authentik = JSON.parse(config["homelab:authentik"]!);
    authentik.flows.authentication = "my-login";
    config["homelab:authentik"] = JSON.stringify(authentik);
    const answer = mocks.call.bind(mocks);
    // Authentik has no flow by that slug: the look-up comes back empty.
    vi.spyOn(mocks, "call").mockImplementation((args) =>
      args.token === "authentik:index/getFlow:getFlow" && args.inputs["slug"] === "my-login" ? { id: "" } : answer(args),
    );
    const capture = await captureStack("authentik", { config, env: placeholderSecrets() });
    expect(capture.error).toBeInstanceOf(LookupError);
    const message = (capture.error as Error).message;
    expect(message).toContain('flow with slug "my-login"');
    expect(message).toContain("homelab:authentik.flows.authentication");
  });

  it("names the enrollment stage and its config key when Authentik's stage was renamed", async () => {
    const answer = mocks.call.bind(mocks);
    vi.spyOn(mocks, "call").mockImplementation((args) =>
      args.token === "authentik:index/getStage:getStage" && args.inputs["name"] === "default-source-enrollment-write"
        ? { id: "" }
        : answer(args),
    );
    const capture = await captureStack("authentik", { config: loadRawConfig("authentik"), env: placeholderSecrets() });
    expect(capture.error).toBeInstanceOf(LookupError);
    const message = (capture.error as Error).message;
    expect(message).toContain('stage named "default-source-enrollment-write"');
    expect(message).toContain("homelab:authentik.enrollmentStages.userWrite");
  });
});
