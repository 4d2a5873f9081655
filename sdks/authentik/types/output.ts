// Output shapes of the authentik schema. Everything lives in module `index`,
// so there is no namespace level.

/** One member of a group, as `getGroup` returns it when `includeUsers` is true. */
export interface GetGroupUsersObj {
    /** JSON text. */
    attributes: string;
    email: string;
    isActive: boolean;
    lastLogin: string;
    name: string;
    /** Integer user pk. */
    pk: number;
    uid: string;
    username: string;
}
