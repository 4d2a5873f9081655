/**
 * Log in with GitHub: the OAuth source, and the default identification stage
 * adopted so its login page shows the GitHub button.
 */
import * as authentik from "@pulumi/authentik";
import * as pulumi from "@pulumi/pulumi";
import type { userMatchingModes } from "./config";

export interface GithubLoginArgs {
  readonly provider: authentik.Provider;
  /** OAuth App client id (public). */
  readonly clientId: string;
  /** OAuth App client secret; a Pulumi secret. */
  readonly clientSecret: pulumi.Input<string>;
  readonly name: string;
  readonly slug: string;
  readonly userMatchingMode: (typeof userMatchingModes)[number];
  /** Flow ids: log-in of linked users, and enrollment of new ones. */
  readonly authenticationFlow: pulumi.Input<string>;
  readonly enrollmentFlow: pulumi.Input<string>;
  /** The identification stage to adopt: its UUID and the fields it has today. */
  readonly stage: { readonly id: string; readonly name: string; readonly userFields: readonly string[] };
}

export class GithubLogin extends pulumi.ComponentResource {
  readonly source: authentik.SourceOauth;
  readonly stage: authentik.StageIdentification;

  constructor(name: string, args: GithubLoginArgs, opts?: pulumi.ComponentResourceOptions) {
    super("homelab:authentik:GithubLogin", name, {}, opts);
    const child = { parent: this, provider: args.provider };

    this.source = new authentik.SourceOauth(
      `${name}-source`,
      {
        name: args.name,
        slug: args.slug,
        providerType: "github",
        consumerKey: args.clientId,
        consumerSecret: args.clientSecret,
        // GitHub OAuth Apps accept PKCE; S256 binds the code to this login attempt.
        pkce: "S256",
        // See userMatchingModes in config.ts: the default links by GitHub user id only.
        userMatchingMode: args.userMatchingMode,
        authenticationFlow: args.authenticationFlow,
        enrollmentFlow: args.enrollmentFlow,
        enabled: true,
      },
      child,
    );

    // The stage belongs to Authentik's default login flow, so it is adopted by
    // `import`, not created: creating one would need a flow binding and leave
    // the default stage without the button. The import compares inputs with
    // the existing stage; name and userFields are the fields the default stage
    // sets (everything else is at the provider's defaults, which match
    // Authentik's). `sources` differs on the first run by design: current
    // Pulumi engines import and then update that one field (pulumi/pulumi#19339).
    // Any other field customised in the UI is reset to the default here.
    // retainOnDelete: destroying this stack must not delete the login stage.
    this.stage = new authentik.StageIdentification(
      `${name}-identification-stage`,
      {
        name: args.stage.name,
        userFields: [...args.stage.userFields],
        // The source's UUID, not its Pulumi id (which is the slug).
        sources: [this.source.uuid],
      },
      { ...child, import: args.stage.id, retainOnDelete: true },
    );

    this.registerOutputs({ sourceUuid: this.source.uuid, stageId: this.stage.id });
  }
}
