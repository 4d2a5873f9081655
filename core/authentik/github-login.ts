/**
 * Log in with GitHub: the OAuth source, the enrollment flow that admits only
 * the configured GitHub organisations, teams and users, and the default
 * identification stage adopted so its login page shows the GitHub button.
 */
import * as authentik from "@pulumi/authentik";
import * as pulumi from "@pulumi/pulumi";
import type { userMatchingModes } from "./config";
import { additionalScopes, githubEnrollmentExpression, type GithubAllowList } from "./github-allow-list";

/**
 * How new users get an account. `restricted`: a flow of this stack, bound to
 * the allow-list policy, reusing the stages of Authentik's source enrollment
 * flow. `open` (homelab:githubSource.allowAnyGitHubAccount): Authentik's
 * default source enrollment flow, which admits every GitHub account.
 */
export type GithubEnrollment =
  | {
      readonly kind: "restricted";
      readonly allow: GithubAllowList;
      readonly flowSlug: string;
      /** Stage ids: write the new user, then log them in. */
      readonly userWriteStage: pulumi.Input<string>;
      readonly userLoginStage: pulumi.Input<string>;
    }
  | { readonly kind: "open"; readonly flow: pulumi.Input<string> };

export interface GithubLoginArgs {
  readonly provider: authentik.Provider;
  /** OAuth App client id (public). */
  readonly clientId: string;
  /** OAuth App client secret; a Pulumi secret. */
  readonly clientSecret: pulumi.Input<string>;
  readonly name: string;
  readonly slug: string;
  readonly userMatchingMode: (typeof userMatchingModes)[number];
  /** Flow id: log-in of users already linked to a GitHub account. */
  readonly authenticationFlow: pulumi.Input<string>;
  readonly enrollment: GithubEnrollment;
  /** The identification stage to adopt: its UUID and the fields it has today. */
  readonly stage: { readonly id: string; readonly name: string; readonly userFields: readonly string[] };
}

export class GithubLogin extends pulumi.ComponentResource {
  readonly source: authentik.SourceOauth;
  readonly stage: authentik.StageIdentification;
  /** The allow-list enrollment (undefined when enrollment is open). */
  readonly enrollment?: {
    readonly flow: authentik.Flow;
    readonly policy: authentik.PolicyExpression;
    readonly binding: authentik.PolicyBinding;
    readonly stages: authentik.FlowStageBinding[];
  };

  constructor(name: string, args: GithubLoginArgs, opts?: pulumi.ComponentResourceOptions) {
    super("homelab:authentik:GithubLogin", name, {}, opts);
    const child = { parent: this, provider: args.provider };
    const { enrollment } = args;

    if (enrollment.kind === "restricted") {
      const flow = new authentik.Flow(
        `${name}-enrollment-flow`,
        {
          name: `${args.name}: enrollment (allow-list)`,
          slug: enrollment.flowSlug,
          title: `Welcome! Your ${args.name} account is being set up.`,
          designation: "enrollment",
          // `all`: every policy bound to the flow must pass. Authentik's default
          // (`any`) would let the flow run as soon as one binding passes.
          policyEngineMode: "all",
        },
        child,
      );
      const policy = new authentik.PolicyExpression(
        `${name}-enrollment-allow-list`,
        { name: `homelab: ${args.slug} enrollment allow-list`, expression: githubEnrollmentExpression(args.slug, enrollment.allow) },
        child,
      );
      // failureResult false: an error in the policy (GitHub unreachable) denies.
      const binding = new authentik.PolicyBinding(
        `${name}-enrollment-allow-list`,
        { target: flow.uuid, policy: policy.id, order: 0, failureResult: false },
        child,
      );
      const stages = [
        new authentik.FlowStageBinding(`${name}-enrollment-write`, { target: flow.uuid, stage: enrollment.userWriteStage, order: 10 }, child),
        new authentik.FlowStageBinding(`${name}-enrollment-login`, { target: flow.uuid, stage: enrollment.userLoginStage, order: 20 }, child),
      ];
      this.enrollment = { flow, policy, binding, stages };
    }
    const scopes = enrollment.kind === "restricted" ? additionalScopes(enrollment.allow) : undefined;

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
        // The flow's UUID (its Pulumi id is the slug).
        enrollmentFlow: enrollment.kind === "restricted" ? this.enrollment!.flow.uuid : enrollment.flow,
        // Authentik adds these to GitHub's default scopes (read:user, user:email).
        ...(scopes !== undefined ? { additionalScopes: scopes } : {}),
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
        // Authentik's default is true (authentik, authentik/stages/identification/models.py);
        // the provider sends false when the input is unset
        // (terraform-provider-authentik v2026.5.0, resource_stage_identification.go), which
        // would make "Alice@example.com" stop finding alice@example.com.
        caseInsensitiveMatching: true,
      },
      { ...child, import: args.stage.id, retainOnDelete: true },
    );

    this.registerOutputs({ sourceUuid: this.source.uuid, stageId: this.stage.id });
  }
}
