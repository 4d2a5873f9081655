import * as pulumi from "@pulumi/pulumi";
import * as outputs from "./types/output";
import * as utilities from "./utilities";

const token = "authentik:index/getGroup:getGroup";

/**
 * Looks up a group (`authentik_group` data source) by exactly one of `name`
 * and `pk`. `id` is the group UUID; `users` and `numPk` are integer pks.
 */
export function getGroup(args?: GetGroupArgs, opts?: pulumi.InvokeOptions): Promise<GetGroupResult> {
    opts = pulumi.mergeOptions(utilities.resourceOptsDefaults(), opts ?? {});
    return pulumi.runtime.invoke(token, invokeArgs(args), opts, utilities.getPackage());
}

/** Output form of {@link getGroup}; accepts Outputs as args. */
export function getGroupOutput(args?: GetGroupOutputArgs, opts?: pulumi.InvokeOutputOptions): pulumi.Output<GetGroupResult> {
    opts = pulumi.mergeOptions(utilities.resourceOptsDefaults(), opts ?? {});
    return pulumi.runtime.invokeOutput(token, invokeArgs(args), opts, utilities.getPackage());
}

function invokeArgs(args: GetGroupArgs | GetGroupOutputArgs | undefined): pulumi.Inputs {
    return utilities.pickInputs(args, ["id", "includeUsers", "name", "pk"]);
}

export interface GetGroupArgs {
    id?: string;
    /** Default true. */
    includeUsers?: boolean;
    /** Exactly one of `name` and `pk`. */
    name?: string;
    /** Group UUID. Exactly one of `name` and `pk`. */
    pk?: string;
}

export interface GetGroupResult {
    /** JSON text. */
    readonly attributes: string;
    /** The group UUID. */
    readonly id: string;
    readonly includeUsers?: boolean;
    readonly isSuperuser: boolean;
    readonly name?: string;
    readonly numPk: number;
    readonly parentName: string;
    readonly parents: string[];
    readonly pk?: string;
    /** Integer user pks. */
    readonly users: number[];
    readonly usersObjs: outputs.GetGroupUsersObj[];
}

export interface GetGroupOutputArgs {
    id?: pulumi.Input<string>;
    includeUsers?: pulumi.Input<boolean>;
    name?: pulumi.Input<string>;
    pk?: pulumi.Input<string>;
}
