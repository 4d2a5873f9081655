/**
 * Authentik provider answers (terraform-provider goauthentik/authentik),
 * shaped like the real ones: OAuth2/proxy providers and users have integer
 * primary keys as ids (strings), applications and sources their slug, tokens
 * their identifier, everything else a UUID. Look-ups answer for any slug or
 * name, so the render works with renamed defaults too; tests that need a
 * missing object override a single answer.
 */
import { stableHex, stableNumber, stableUuid, type ProviderMocks } from "./types";

type Inputs = Record<string, unknown>;

const str = (inputs: Inputs, key: string, fallback = ""): string => {
  const v = inputs[key];
  return typeof v === "string" ? v : fallback;
};

/** Terraform defaults the provider reads back for optional attributes the inputs leave unset. */
const unsetDefaults = (inputs: Inputs, defaults: Record<string, unknown>): Record<string, unknown> =>
  Object.fromEntries(Object.entries(defaults).filter(([key]) => inputs[key] === undefined));

/** Authentik pks are small positive integers. */
const pk = (seed: string): string => String(stableNumber(seed, 9_000) + 1);

/** What designation a default flow has, from its slug (any other slug: authentication). */
function designationOf(slug: string): string {
  if (slug.includes("authorization")) return "authorization";
  if (slug.includes("invalidation")) return "invalidation";
  if (slug.includes("enrollment")) return "enrollment";
  return "authentication";
}

const SCOPE_EXPRESSIONS: Record<string, string> = {
  openid: "return {}",
  email: 'return {"email": request.user.email, "email_verified": False}',
  profile: 'return {"name": request.user.name, "preferred_username": request.user.username}',
  offline_access: "return {}",
};

function scopeMapping(managed: string) {
  const scopeName = managed.split("/scope-").pop() ?? managed;
  return {
    id: stableUuid(`scope-mapping:${managed}`),
    managed,
    name: `authentik default OAuth Mapping: OpenID '${scopeName}'`,
    scopeName,
    expression: SCOPE_EXPRESSIONS[scopeName] ?? "return {}",
    description: "",
    ids: [] as string[],
  };
}

export const authentikMocks: ProviderMocks = {
  resources: {
    "authentik:index/providerOauth2:ProviderOauth2": ({ name, inputs }) => {
      const id = pk(`provider:${name}`);
      return {
        id,
        state: {
          providerOauth2Id: id,
          // The server generates a secret when none is given (public clients).
          clientSecret: inputs["clientSecret"] ?? stableHex(`client-secret:${name}`, 128),
          grantTypes: ["authorization_code", "refresh_token", "implicit", "client_credentials", "password", "urn:ietf:params:oauth:grant-type:device_code"],
        },
      };
    },
    "authentik:index/providerProxy:ProviderProxy": ({ name }) => {
      const id = pk(`provider:${name}`);
      return { id, state: { providerProxyId: id, clientId: stableHex(`proxy-client:${name}`, 40) } };
    },
    "authentik:index/application:Application": ({ inputs }) => {
      const slug = str(inputs, "slug");
      return { id: slug, state: { applicationId: slug, uuid: stableUuid(`application:${slug}`) } };
    },
    "authentik:index/sourceOauth:SourceOauth": ({ inputs }) => {
      const slug = str(inputs, "slug");
      return {
        id: slug,
        state: {
          sourceOauthId: slug,
          uuid: stableUuid(`source:${slug}`),
          callbackUri: `/source/oauth/callback/${slug}/`,
          oidcJwks: "{}",
        },
      };
    },
    "authentik:index/stageIdentification:StageIdentification": ({ name, id }) => {
      const stageId = id || stableUuid(`stage:${name}`);
      return { id: stageId, state: { stageIdentificationId: stageId } };
    },
    "authentik:index/outpost:Outpost": ({ name, id }) => {
      const outpostId = id || stableUuid(`outpost:${name}`);
      return { id: outpostId, state: { outpostId } };
    },
    "authentik:index/propertyMappingProviderScope:PropertyMappingProviderScope": ({ name }) => {
      const id = stableUuid(`scope-mapping:${name}`);
      return { id, state: { propertyMappingProviderScopeId: id } };
    },
    "authentik:index/group:Group": ({ inputs }) => {
      const id = stableUuid(`group:${str(inputs, "name")}`);
      return { id, state: { groupId: id, users: [] } };
    },
    "authentik:index/user:User": ({ inputs }) => {
      const id = pk(`user:${str(inputs, "username")}`);
      return { id, state: { userId: id, roles: [] } };
    },
    // Policy bindings, expression policies, flows and stage bindings: ids are
    // the objects' UUIDs (flows: the slug, like applications), and the provider
    // reads back the server's defaults for every unset optional attribute
    // (goauthentik/terraform-provider-authentik v2026.5.0,
    // pkg/provider/resource_{policy_binding,policy_expression,flow,flow_stage_binding}.go).
    "authentik:index/policyBinding:PolicyBinding": ({ name, inputs }) => {
      const id = stableUuid(`policy-binding:${name}`);
      return { id, state: { policyBindingId: id, ...unsetDefaults(inputs, { negate: false, enabled: true, timeout: 30, failureResult: false }) } };
    },
    "authentik:index/policyExpression:PolicyExpression": ({ name, inputs }) => {
      const id = stableUuid(`policy-expression:${name}`);
      return { id, state: { policyExpressionId: id, ...unsetDefaults(inputs, { executionLogging: false }) } };
    },
    "authentik:index/flow:Flow": ({ inputs }) => {
      const slug = str(inputs, "slug");
      return {
        id: slug,
        state: {
          flowId: slug,
          uuid: stableUuid(`flow:${slug}`),
          ...unsetDefaults(inputs, {
            authentication: "none",
            layout: "stacked",
            background: "/static/dist/assets/images/flow_background.jpg",
            policyEngineMode: "any",
            deniedAction: "message_continue",
            compatibilityMode: true,
          }),
        },
      };
    },
    "authentik:index/flowStageBinding:FlowStageBinding": ({ name, inputs }) => {
      const id = stableUuid(`flow-stage-binding:${name}`);
      return {
        id,
        state: {
          flowStageBindingId: id,
          ...unsetDefaults(inputs, { evaluateOnPlan: true, reEvaluatePolicies: false, policyEngineMode: "any", invalidResponseAction: "retry" }),
        },
      };
    },
    "authentik:index/token:Token": ({ inputs }) => {
      const identifier = str(inputs, "identifier");
      return {
        id: identifier,
        state: {
          tokenId: identifier,
          // Filled only when retrieveKey is set, as the provider does.
          key: inputs["retrieveKey"] === true ? stableHex(`token-key:${identifier}`, 60) : "",
          expiresIn: 0,
        },
      };
    },
  },
  invokes: {
    "authentik:index/getFlow:getFlow": ({ inputs }) => {
      const slug = str(inputs, "slug", "default-authentication-flow");
      const designation = designationOf(slug);
      return {
        id: stableUuid(`flow:${slug}`),
        slug,
        name: slug,
        title: slug.replace(/-/g, " "),
        designation,
        authentication: designation === "authorization" ? "require_authenticated" : "none",
      };
    },
    "authentik:index/getCertificateKeyPair:getCertificateKeyPair": ({ inputs }) => {
      const name = str(inputs, "name");
      const fetchKey = inputs["fetchKey"] !== false;
      const fetchCertificate = inputs["fetchCertificate"] !== false;
      return {
        id: stableUuid(`certificate:${name}`),
        name,
        fetchKey,
        fetchCertificate,
        certificateData: fetchCertificate ? "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n" : "",
        keyData: fetchKey ? "-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n" : "",
        expiry: "2027-01-01T00:00:00Z",
        subject: `CN=${name}`,
        fingerprint1: stableHex(`certificate-sha1:${name}`, 40),
        fingerprint256: stableHex(`certificate-sha256:${name}`, 64),
      };
    },
    "authentik:index/getGroup:getGroup": ({ inputs }) => {
      const name = str(inputs, "name");
      return {
        id: stableUuid(`builtin-group:${name}`),
        name,
        includeUsers: inputs["includeUsers"] === true,
        numPk: stableNumber(`builtin-group:${name}`, 9_000),
        isSuperuser: name === "authentik Admins",
        parentName: "",
        parents: [],
        attributes: "{}",
        users: [],
        usersObjs: [],
      };
    },
    "authentik:index/getStage:getStage": ({ inputs }) => {
      const name = str(inputs, "name");
      return { id: stableUuid(`stage:${name}`), name };
    },
    "authentik:index/getPropertyMappingProviderScope:getPropertyMappingProviderScope": ({ inputs }) => {
      const list = inputs["managedLists"];
      if (Array.isArray(list)) {
        return {
          id: "-1",
          managedLists: list,
          ids: list.map((m) => scopeMapping(String(m)).id),
          scopeName: "",
          expression: "",
          description: "",
        };
      }
      return scopeMapping(str(inputs, "managed", "goauthentik.io/providers/oauth2/scope-openid"));
    },
  },
};
