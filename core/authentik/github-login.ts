/**
 * Log in with GitHub: the OAuth source, the enrollment and log-in flows that
 * admit only the configured GitHub organisations, teams and users, and the default
 * identification stage adopted so its login page shows the GitHub button.
 */
import * as authentik from "@pulumi/authentik";
import * as pulumi from "@pulumi/pulumi";
import type { userMatchingModes } from "./config";
import { additionalScopes, githubEnrollmentExpression, type GithubAllowList } from "./github-allow-list";

/**
 * Who gets in through GitHub. `restricted`: two flows of this stack, one to
 * enroll new users and one to log in linked ones, both bound to the
 * allow-list policy and reusing the stages of Authentik's own source flows.
 * `open` (homelab:githubSource.allowAnyGitHubAccount): Authentik's default
 * source flows, which admit every GitHub account.
 */
export type GithubEnrollment =
  | {
      readonly kind: "restricted";
      readonly allow: GithubAllowList;
      readonly enrollmentFlowSlug: string;
      readonly authenticationFlowSlug: string;
      /** Stage ids: write the new user, then log them in; log in a linked user. */
      readonly enrollmentWriteStage: pulumi.Input<string>;
      readonly enrollmentLoginStage: pulumi.Input<string>;
      readonly authenticationLoginStage: pulumi.Input<string>;
    }
  | { readonly kind: "open"; readonly enrollmentFlow: pulumi.Input<string>; readonly authenticationFlow: pulumi.Input<string> };

export interface GithubLoginArgs {
  readonly provider: authentik.Provider;
  /** OAuth App client id (public). */
  readonly clientId: string;
  /** OAuth App client secret; a Pulumi secret. */
  readonly clientSecret: pulumi.Input<string>;
  readonly name: string;
  readonly slug: string;
  readonly userMatchingMode: (typeof userMatchingModes)[number];
  readonly enrollment: GithubEnrollment;
  /** The identification stage to adopt: its UUID and the fields it has today. */
  readonly stage: { readonly id: string; readonly name: string; readonly userFields: readonly string[] };
}

/** One allow-list flow: the flow, the allow-list bound to it, its stages. */
export interface AllowListFlow {
  readonly flow: authentik.Flow;
  readonly binding: authentik.PolicyBinding;
  readonly stages: authentik.FlowStageBinding[];
}

export class GithubLogin extends pulumi.ComponentResource {
  readonly source: authentik.SourceOauth;
  readonly stage: authentik.StageIdentification;
  /** The allow-list flows (undefined when enrollment is open). */
  readonly allowList?: {
    readonly policy: authentik.PolicyExpression;
    readonly enrollment: AllowListFlow;
    readonly authentication: AllowListFlow;
  };

  constructor(name: string, args: GithubLoginArgs, opts?: pulumi.ComponentResourceOptions) {
    super("homelab:authentik:GithubLogin", name, {}, opts);
    const child = { parent: this, provider: args.provider };
    const { enrollment } = args;

    if (enrollment.kind === "restricted") {
      const policy = new authentik.PolicyExpression(
        `${name}-enrollment-allow-list`,
        { name: `homelab: ${args.slug} allow-list`, expression: githubEnrollmentExpression(args.slug, enrollment.allow) },
        child,
      );
      const allowListFlow = (
        role: "enrollment" | "authentication",
        flowArgs: { slug: string; title: string; authentication: string },
        stages: readonly [string, pulumi.Input<string>][],
      ): AllowListFlow => {
        const flow = new authentik.Flow(
          `${name}-${role}-flow`,
          {
            name: `${args.name}: ${role} (allow-list)`,
            slug: flowArgs.slug,
            title: flowArgs.title,
            designation: role,
            authentication: flowArgs.authentication,
            // `all`: every policy bound to the flow must pass. Authentik's default
            // (`any`) would let the flow run as soon as one binding passes.
            policyEngineMode: "all",
          },
          child,
        );
        // failureResult false: an error in the policy (GitHub unreachable) denies.
        const binding = new authentik.PolicyBinding(`${name}-${role}-allow-list`, { target: flow.uuid, policy: policy.id, order: 0, failureResult: false }, child);
        const bound = stages.map(
          ([stageName, stage], i) => new authentik.FlowStageBinding(`${name}-${role}-${stageName}`, { target: flow.uuid, stage, order: (i + 1) * 10 }, child),
        );
        return { flow, binding, stages: bound };
      };
      this.allowList = {
        policy,
        // Like Authentik's default-source-enrollment (authentication "none") and
        // default-source-authentication ("require_unauthenticated") flows
        // (goauthentik/authentik, blueprints/default/flow-default-source-*.yaml).
        enrollment: allowListFlow("enrollment", { slug: enrollment.enrollmentFlowSlug, title: `Welcome! Your ${args.name} account is being set up.`, authentication: "none" }, [
          ["write", enrollment.enrollmentWriteStage],
          ["login", enrollment.enrollmentLoginStage],
        ]),
        authentication: allowListFlow(
          "authentication",
          { slug: enrollment.authenticationFlowSlug, title: `Welcome back! Signing in with ${args.name}.`, authentication: "require_unauthenticated" },
          [["login", enrollment.authenticationLoginStage]],
        ),
      };
    }
    const sourceFlows =
      enrollment.kind === "restricted"
        ? { enrollment: this.allowList!.enrollment.flow.uuid, authentication: this.allowList!.authentication.flow.uuid }
        : { enrollment: enrollment.enrollmentFlow, authentication: enrollment.authenticationFlow };
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
        // The flows' UUIDs (their Pulumi ids are the slugs).
        authenticationFlow: sourceFlows.authentication,
        enrollmentFlow: sourceFlows.enrollment,
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
