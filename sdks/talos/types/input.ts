// Input shapes of the talos schema (pulumi-talos v0.8.1). Types that only
// resources take have pulumi.Input fields; types that invokes take come twice:
// a plain form for getX() and an `…Args` form for getXOutput().
import * as pulumi from "@pulumi/pulumi";
import * as inputs from "./input";

export namespace client {
    /** `talos:client/getConfigurationClientConfiguration`. */
    export interface GetConfigurationClientConfiguration {
        caCertificate: string;
        clientCertificate: string;
        /** Secret. */
        clientKey: string;
    }

    export interface GetConfigurationClientConfigurationArgs {
        caCertificate: pulumi.Input<string>;
        clientCertificate: pulumi.Input<string>;
        /** Secret. */
        clientKey: pulumi.Input<string>;
    }
}

export namespace cluster {
    /** `talos:cluster/getHealthClientConfiguration`. */
    export interface GetHealthClientConfiguration {
        caCertificate: string;
        clientCertificate: string;
        clientKey: string;
    }

    export interface GetHealthClientConfigurationArgs {
        caCertificate: pulumi.Input<string>;
        clientCertificate: pulumi.Input<string>;
        clientKey: pulumi.Input<string>;
    }

    export interface GetHealthTimeouts {
        /** Go duration, e.g. "10m" (the provider's default). */
        read?: string;
    }

    export interface GetHealthTimeoutsArgs {
        read?: pulumi.Input<string>;
    }

    /** `talos:cluster/getKubeconfigClientConfiguration`. */
    export interface GetKubeconfigClientConfiguration {
        caCertificate: string;
        clientCertificate: string;
        clientKey: string;
    }

    export interface GetKubeconfigClientConfigurationArgs {
        caCertificate: pulumi.Input<string>;
        clientCertificate: pulumi.Input<string>;
        clientKey: pulumi.Input<string>;
    }

    export interface GetKubeconfigTimeouts {
        read?: string;
    }

    export interface GetKubeconfigTimeoutsArgs {
        read?: pulumi.Input<string>;
    }

    /** `talos:cluster/KubeconfigClientConfiguration`. */
    export interface KubeconfigClientConfiguration {
        caCertificate: pulumi.Input<string>;
        clientCertificate: pulumi.Input<string>;
        clientKey: pulumi.Input<string>;
    }

    /** Only used to look up existing state; the provider computes it. */
    export interface KubeconfigKubernetesClientConfiguration {
        caCertificate?: pulumi.Input<string>;
        clientCertificate?: pulumi.Input<string>;
        clientKey?: pulumi.Input<string>;
        host?: pulumi.Input<string>;
    }

    export interface KubeconfigTimeouts {
        create?: pulumi.Input<string>;
        update?: pulumi.Input<string>;
    }
}

export namespace imageFactory {}

export namespace machine {
    /** `talos:machine/BootstrapClientConfigurationWo` (write-only, every field secret). */
    export interface BootstrapClientConfigurationWo {
        caCertificate: pulumi.Input<string>;
        clientCertificate: pulumi.Input<string>;
        clientKey: pulumi.Input<string>;
    }

    export interface BootstrapTimeouts {
        create?: pulumi.Input<string>;
    }

    /** `talos:machine/generated:Certificate`. */
    export interface Certificate {
        cert: string;
        /** Secret. */
        key: string;
    }

    export interface CertificateArgs {
        cert: pulumi.Input<string>;
        key: pulumi.Input<string>;
    }

    /** `talos:machine/generated:Certificates`. */
    export interface Certificates {
        etcd: inputs.machine.Certificate;
        k8s: inputs.machine.Certificate;
        k8sAggregator: inputs.machine.Certificate;
        k8sServiceaccount: inputs.machine.Key;
        os: inputs.machine.Certificate;
    }

    export interface CertificatesArgs {
        etcd: pulumi.Input<inputs.machine.CertificateArgs>;
        k8s: pulumi.Input<inputs.machine.CertificateArgs>;
        k8sAggregator: pulumi.Input<inputs.machine.CertificateArgs>;
        k8sServiceaccount: pulumi.Input<inputs.machine.KeyArgs>;
        os: pulumi.Input<inputs.machine.CertificateArgs>;
    }

    /**
     * `talos:machine/generated:ClientConfiguration`. `machine.Secrets.clientConfiguration`
     * has this shape, so it can be passed straight to Bootstrap and ConfigurationApply.
     */
    export interface ClientConfiguration {
        caCertificate: pulumi.Input<string>;
        clientCertificate: pulumi.Input<string>;
        /** Secret. */
        clientKey: pulumi.Input<string>;
    }

    /** `talos:machine/generated:Cluster`. */
    export interface Cluster {
        id: string;
        /** Secret. */
        secret: string;
    }

    export interface ClusterArgs {
        id: pulumi.Input<string>;
        secret: pulumi.Input<string>;
    }

    /** `talos:machine/ConfigurationApplyClientConfigurationWo` (write-only, every field secret). */
    export interface ConfigurationApplyClientConfigurationWo {
        caCertificate: pulumi.Input<string>;
        clientCertificate: pulumi.Input<string>;
        clientKey: pulumi.Input<string>;
    }

    /** What happens to the node when the resource is deleted. TF defaults: graceful true, reboot false, reset false. */
    export interface ConfigurationApplyOnDestroy {
        graceful?: pulumi.Input<boolean>;
        reboot?: pulumi.Input<boolean>;
        reset?: pulumi.Input<boolean>;
    }

    /** `talos:machine/generated:Key`. */
    export interface Key {
        /** Secret. */
        key: string;
    }

    export interface KeyArgs {
        key: pulumi.Input<string>;
    }

    /** `talos:machine/generated:KubernetesSecrets`; every field is secret. */
    export interface KubernetesSecrets {
        aescbcEncryptionSecret?: string;
        bootstrapToken: string;
        secretboxEncryptionSecret: string;
    }

    export interface KubernetesSecretsArgs {
        aescbcEncryptionSecret?: pulumi.Input<string>;
        bootstrapToken: pulumi.Input<string>;
        secretboxEncryptionSecret: pulumi.Input<string>;
    }

    /**
     * `talos:machine/generated:MachineSecrets`. `machine.Secrets.machineSecrets`
     * has this shape, so it can be passed straight to `machine.getConfiguration`.
     */
    export interface MachineSecrets {
        certs: inputs.machine.Certificates;
        cluster: inputs.machine.Cluster;
        secrets: inputs.machine.KubernetesSecrets;
        trustdinfo: inputs.machine.TrustdInfo;
    }

    export interface MachineSecretsArgs {
        certs: pulumi.Input<inputs.machine.CertificatesArgs>;
        cluster: pulumi.Input<inputs.machine.ClusterArgs>;
        secrets: pulumi.Input<inputs.machine.KubernetesSecretsArgs>;
        trustdinfo: pulumi.Input<inputs.machine.TrustdInfoArgs>;
    }

    /** `talos:machine/Timeout`: Go durations such as "30s" or "2h45m". */
    export interface Timeout {
        create?: pulumi.Input<string>;
        delete?: pulumi.Input<string>;
        update?: pulumi.Input<string>;
    }

    /** `talos:machine/generated:TrustdInfo`. */
    export interface TrustdInfo {
        /** Secret. */
        token: string;
    }

    export interface TrustdInfoArgs {
        token: pulumi.Input<string>;
    }
}
