import * as pulumi from "@pulumi/pulumi";
import * as utilities from "./utilities";

const inputNames = [
    "captchaStage",
    "caseInsensitiveMatching",
    "enableRememberMe",
    "enrollmentFlow",
    "name",
    "passwordStage",
    "passwordlessFlow",
    "pretendUserExists",
    "recoveryFlow",
    "showMatchedUser",
    "showSourceLabels",
    "sources",
    "stageIdentificationId",
    "userFields",
    "webauthnStage",
] as const;
const stateNames = inputNames;

/** An identification stage (`authentik_stage_identification`). Its Pulumi `id` is the stage UUID. */
export class StageIdentification extends pulumi.CustomResource {
    public static readonly __pulumiType = "authentik:index/stageIdentification:StageIdentification";

    /** Looks up an existing StageIdentification by id. */
    public static get(name: string, id: pulumi.Input<pulumi.ID>, state?: StageIdentificationState, opts?: pulumi.CustomResourceOptions): StageIdentification {
        return new StageIdentification(name, state as StageIdentificationArgs, { ...opts, id });
    }

    /** True for a StageIdentification, even across copies of the Pulumi SDK. */
    public static isInstance(obj: unknown): obj is StageIdentification {
        return (obj as { __pulumiType?: unknown } | null | undefined)?.__pulumiType === StageIdentification.__pulumiType;
    }

    /** Stage UUID. */
    declare public readonly captchaStage: pulumi.Output<string | undefined>;
    declare public readonly caseInsensitiveMatching: pulumi.Output<boolean | undefined>;
    /** Default false. */
    declare public readonly enableRememberMe: pulumi.Output<boolean | undefined>;
    /** Flow UUID. */
    declare public readonly enrollmentFlow: pulumi.Output<string | undefined>;
    /**
     * Display name. Optional in Pulumi (auto-named as `<logical name>-<suffix>` when omitted)
     * although Terraform requires it: always set it.
     */
    declare public readonly name: pulumi.Output<string>;
    /** Stage UUID. */
    declare public readonly passwordStage: pulumi.Output<string | undefined>;
    /** Flow UUID. */
    declare public readonly passwordlessFlow: pulumi.Output<string | undefined>;
    /** Default true. */
    declare public readonly pretendUserExists: pulumi.Output<boolean | undefined>;
    /** Flow UUID. */
    declare public readonly recoveryFlow: pulumi.Output<string | undefined>;
    /** Default true. */
    declare public readonly showMatchedUser: pulumi.Output<boolean | undefined>;
    /** Default false. */
    declare public readonly showSourceLabels: pulumi.Output<boolean | undefined>;
    /** Source **UUIDs** (`SourceOauth.uuid`, not its id). */
    declare public readonly sources: pulumi.Output<string[] | undefined>;
    /** Mirrors the Pulumi `id`; leave it unset. */
    declare public readonly stageIdentificationId: pulumi.Output<string>;
    /** `email`, `username` and/or `upn`. */
    declare public readonly userFields: pulumi.Output<string[] | undefined>;
    /** Stage UUID. */
    declare public readonly webauthnStage: pulumi.Output<string | undefined>;

    constructor(name: string, args?: StageIdentificationArgs, opts?: pulumi.CustomResourceOptions);
    constructor(name: string, argsOrState?: StageIdentificationArgs | StageIdentificationState, opts?: pulumi.CustomResourceOptions) {
        opts = opts ?? {};
        let resourceInputs: pulumi.Inputs;
        if (opts.id) {
            resourceInputs = utilities.pickInputs(argsOrState, stateNames);
        } else {
            const args = argsOrState as StageIdentificationArgs | undefined;
            resourceInputs = utilities.pickInputs(args, inputNames);
        }
        opts = pulumi.mergeOptions(utilities.resourceOptsDefaults(), opts);
        super(StageIdentification.__pulumiType, name, resourceInputs, opts, false /*dependency*/, utilities.getPackage());
    }
}

/** State of an existing StageIdentification, for `StageIdentification.get`. */
export interface StageIdentificationState {
    captchaStage?: pulumi.Input<string>;
    caseInsensitiveMatching?: pulumi.Input<boolean>;
    enableRememberMe?: pulumi.Input<boolean>;
    enrollmentFlow?: pulumi.Input<string>;
    name?: pulumi.Input<string>;
    passwordStage?: pulumi.Input<string>;
    passwordlessFlow?: pulumi.Input<string>;
    pretendUserExists?: pulumi.Input<boolean>;
    recoveryFlow?: pulumi.Input<string>;
    showMatchedUser?: pulumi.Input<boolean>;
    showSourceLabels?: pulumi.Input<boolean>;
    sources?: pulumi.Input<pulumi.Input<string>[]>;
    stageIdentificationId?: pulumi.Input<string>;
    userFields?: pulumi.Input<pulumi.Input<string>[]>;
    webauthnStage?: pulumi.Input<string>;
}

export interface StageIdentificationArgs {
    /** Stage UUID. */
    captchaStage?: pulumi.Input<string>;
    caseInsensitiveMatching?: pulumi.Input<boolean>;
    /** Default false. */
    enableRememberMe?: pulumi.Input<boolean>;
    /** Flow UUID. */
    enrollmentFlow?: pulumi.Input<string>;
    /**
     * Display name. Optional in Pulumi (auto-named as `<logical name>-<suffix>` when omitted)
     * although Terraform requires it: always set it.
     */
    name?: pulumi.Input<string>;
    /** Stage UUID. */
    passwordStage?: pulumi.Input<string>;
    /** Flow UUID. */
    passwordlessFlow?: pulumi.Input<string>;
    /** Default true. */
    pretendUserExists?: pulumi.Input<boolean>;
    /** Flow UUID. */
    recoveryFlow?: pulumi.Input<string>;
    /** Default true. */
    showMatchedUser?: pulumi.Input<boolean>;
    /** Default false. */
    showSourceLabels?: pulumi.Input<boolean>;
    /** Source **UUIDs** (`SourceOauth.uuid`, not its id). */
    sources?: pulumi.Input<pulumi.Input<string>[]>;
    /** Mirrors the Pulumi `id`; leave it unset. */
    stageIdentificationId?: pulumi.Input<string>;
    /** `email`, `username` and/or `upn`. */
    userFields?: pulumi.Input<pulumi.Input<string>[]>;
    /** Stage UUID. */
    webauthnStage?: pulumi.Input<string>;
}
