/**
 * A service account for automation, with a non-expiring app-password token.
 * The token's key is a secret stack output.
 */
import * as authentik from "@pulumi/authentik";
import * as pulumi from "@pulumi/pulumi";

export interface ServiceAccountArgs {
  readonly provider: authentik.Provider;
  readonly username: string;
  readonly displayName: string;
  readonly path: string;
  /** Group ids. */
  readonly groups: pulumi.Input<string>[];
  readonly tokenIdentifier: string;
}

export class ServiceAccount extends pulumi.ComponentResource {
  readonly user: authentik.User;
  readonly token: authentik.Token;
  /** The app password; a Pulumi secret. */
  readonly key: pulumi.Output<string>;

  constructor(name: string, args: ServiceAccountArgs, opts?: pulumi.ComponentResourceOptions) {
    super("homelab:authentik:ServiceAccount", name, {}, opts);
    const child = { parent: this, provider: args.provider };

    this.user = new authentik.User(
      `${name}-user`,
      {
        username: args.username,
        name: args.displayName,
        // A service account cannot log in interactively; it authenticates with its token only.
        type: "service_account",
        path: args.path,
        groups: args.groups,
        isActive: true,
      },
      child,
    );

    this.token = new authentik.Token(
      `${name}-token`,
      {
        identifier: args.tokenIdentifier,
        // User's Pulumi id is the integer pk as a string; the token wants the number.
        user: this.user.id.apply(Number),
        intent: "app_password",
        description: `App password of ${args.username}, managed by the homelab authentik stack`,
        // Automation must not break on a date; rotate by replacing the token instead.
        expiring: false,
        // Without it the provider never reads the key back.
        retrieveKey: true,
      },
      child,
    );

    // The SDK lists `key` in additionalSecretOutputs; wrapping again keeps it secret
    // even if a generated SDK ever drops that.
    this.key = pulumi.secret(this.token.key);
    this.registerOutputs({ userId: this.user.id });
  }
}
