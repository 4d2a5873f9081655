/**
 * Look-ups of the objects Authentik ships (flows, the signing certificate,
 * the standard scope mappings, the admin group), by the slugs and names in
 * config. They run through the provider (data-source invokes), never by
 * calling Authentik's HTTP API from this program.
 *
 * A renamed or deleted object would otherwise surface as the provider's bare
 * "No matching flows found" or as an empty id that Authentik rejects later;
 * each look-up instead fails with a message that names what was looked for
 * and the config key that names it.
 */
import * as authentik from "@pulumi/authentik";
import * as pulumi from "@pulumi/pulumi";
import { formatConfigPath, type ConfigPath } from "../config/errors";
import type { FlowKey } from "./config";

/** A built-in Authentik object is missing. A RunError: the CLI prints the message alone. */
export class LookupError extends pulumi.RunError {
  override readonly name = "LookupError";

  constructor(
    readonly what: string,
    /** Where the name comes from: a config path, or a note for objects that are not configurable. */
    readonly where: ConfigPath | string,
    cause?: unknown,
  ) {
    const reason = cause instanceof Error ? cause.message : cause === undefined ? "not found" : String(cause);
    const source =
      typeof where === "string"
        ? where
        : `configured at ${formatConfigPath(where)} in Pulumi.authentik.yaml; set it to the name Authentik shows`;
    super(
      `Authentik has no ${what} (${source}): ${reason}. ` +
        `If a default object was deleted, re-apply Authentik's default blueprints (Admin → Customization → Blueprints).`,
    );
  }
}

/**
 * Runs one look-up and returns the id it found. Rejections and empty answers
 * both become a LookupError naming `what` and `where`.
 */
export async function checkedLookup<R extends { readonly id?: string }>(
  what: string,
  where: ConfigPath | string,
  lookup: () => Promise<R | undefined>,
): Promise<string> {
  let result: R | undefined;
  try {
    result = await lookup();
  } catch (err) {
    throw new LookupError(what, where, err);
  }
  const id = result?.id;
  // The provider answers "-1" for list look-ups and "" when nothing matched.
  if (id === undefined || id === "" || id === "-1") throw new LookupError(what, where);
  return id;
}

/** The standard OIDC scopes every app gets, by Authentik's `managed` key. */
export const STANDARD_SCOPES = {
  openid: "goauthentik.io/providers/oauth2/scope-openid",
  email: "goauthentik.io/providers/oauth2/scope-email",
  profile: "goauthentik.io/providers/oauth2/scope-profile",
  offline_access: "goauthentik.io/providers/oauth2/scope-offline_access",
} as const;

export type StandardScope = keyof typeof STANDARD_SCOPES;

export interface LookupConfig {
  readonly flows: Readonly<Record<FlowKey, string>>;
  readonly signingKey: string;
  readonly adminGroup: string;
  readonly enrollmentStages: { readonly userWrite: string; readonly userLogin: string };
  readonly authenticationStages: { readonly userLogin: string };
}

/**
 * Which flows the GitHub source uses: the stack's allow-list flows need the
 * stages of Authentik's source enrollment and authentication flows; open
 * enrollment uses those flows themselves.
 */
export type EnrollmentLookup = "restricted" | "open";

/** Ids (UUIDs) of the built-in objects the stack uses. */
export interface BuiltIns {
  /** Every configured flow except the two source flows, which only open enrollment uses. */
  readonly flows: Readonly<Record<Exclude<FlowKey, "sourceEnrollment" | "sourceAuthentication">, pulumi.Output<string>>>;
  /** Looked up for open enrollment only. */
  readonly sourceFlows?: { readonly enrollment: pulumi.Output<string>; readonly authentication: pulumi.Output<string> };
  /** Stage ids, looked up for the allow-list flows only. */
  readonly sourceStages?: {
    readonly enrollmentWrite: pulumi.Output<string>;
    readonly enrollmentLogin: pulumi.Output<string>;
    readonly authenticationLogin: pulumi.Output<string>;
  };
  readonly signingKey: pulumi.Output<string>;
  readonly scopes: Readonly<Record<StandardScope, pulumi.Output<string>>>;
  readonly adminGroup: pulumi.Output<string>;
}

export function lookUpBuiltIns(config: LookupConfig, provider: authentik.Provider, enrollment: EnrollmentLookup): BuiltIns {
  const opts: pulumi.InvokeOptions = { provider };
  const flow = (key: FlowKey) => {
    const slug = config.flows[key];
    return pulumi.output(
      checkedLookup(`flow with slug "${slug}"`, ["authentik", "flows", key], () => authentik.getFlow({ slug }, opts)),
    );
  };
  const scope = (name: StandardScope) =>
    pulumi.output(
      checkedLookup(
        `scope mapping "${name}" (managed ${STANDARD_SCOPES[name]})`,
        "a system mapping Authentik ships, needed by every app in homelab:oidcApps",
        () => authentik.getPropertyMappingProviderScope({ managed: STANDARD_SCOPES[name] }, opts),
      ),
    );
  const stage = (name: string, where: ConfigPath) =>
    pulumi.output(checkedLookup(`stage named "${name}"`, where, () => authentik.getStage({ name }, opts)));
  return {
    ...(enrollment === "open"
      ? { sourceFlows: { enrollment: flow("sourceEnrollment"), authentication: flow("sourceAuthentication") } }
      : {
          sourceStages: {
            enrollmentWrite: stage(config.enrollmentStages.userWrite, ["authentik", "enrollmentStages", "userWrite"]),
            enrollmentLogin: stage(config.enrollmentStages.userLogin, ["authentik", "enrollmentStages", "userLogin"]),
            authenticationLogin: stage(config.authenticationStages.userLogin, ["authentik", "authenticationStages", "userLogin"]),
          },
        }),
    flows: {
      authentication: flow("authentication"),
      invalidation: flow("invalidation"),
      implicitConsent: flow("implicitConsent"),
      explicitConsent: flow("explicitConsent"),
    },
    // fetchKey false: only the id is needed, and the private key stays out of the state.
    signingKey: pulumi.output(
      checkedLookup(`certificate-key pair named "${config.signingKey}"`, ["authentik", "signingKey"], () =>
        authentik.getCertificateKeyPair({ name: config.signingKey, fetchKey: false, fetchCertificate: false }, opts),
      ),
    ),
    scopes: {
      openid: scope("openid"),
      email: scope("email"),
      profile: scope("profile"),
      offline_access: scope("offline_access"),
    },
    // includeUsers false: the member list is not needed and changes on every log-in.
    adminGroup: pulumi.output(
      checkedLookup(`group named "${config.adminGroup}"`, ["authentik", "adminGroup"], () =>
        authentik.getGroup({ name: config.adminGroup, includeUsers: false }, opts),
      ),
    ),
  };
}
