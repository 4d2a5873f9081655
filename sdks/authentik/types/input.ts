// The covered authentik resources and invokes take no named object types
// (redirect URIs are plain string maps), so there is nothing here yet.
export {};
