// Output shapes of the talos schema (pulumi-talos v0.8.1). Secret fields are
// marked by the provider, so they arrive as secrets inside these objects.
import * as outputs from "./output";

export namespace client {
    export interface GetConfigurationClientConfiguration {
        caCertificate: string;
        clientCertificate: string;
        clientKey: string;
    }
}

export namespace cluster {
    export interface GetHealthClientConfiguration {
        caCertificate: string;
        clientCertificate: string;
        clientKey: string;
    }

    export interface GetHealthTimeouts {
        read?: string;
    }

    export interface GetKubeconfigClientConfiguration {
        caCertificate: string;
        clientCertificate: string;
        clientKey: string;
    }

    export interface GetKubeconfigKubernetesClientConfiguration {
        caCertificate: string;
        clientCertificate: string;
        clientKey: string;
        host: string;
    }

    export interface GetKubeconfigTimeouts {
        read?: string;
    }

    export interface KubeconfigClientConfiguration {
        caCertificate: string;
        clientCertificate: string;
        clientKey: string;
    }

    /** Credentials for the Kubernetes API, split out of the kubeconfig. `clientKey` is secret. */
    export interface KubeconfigKubernetesClientConfiguration {
        caCertificate: string;
        clientCertificate: string;
        clientKey: string;
        host: string;
    }

    export interface KubeconfigTimeouts {
        create?: string;
        update?: string;
    }
}

export namespace imageFactory {
    /** Asset URLs for one schematic/version/platform; an empty string means the asset does not exist. */
    export interface GetUrlsUrls {
        diskImage: string;
        diskImageSecureboot: string;
        initramfs: string;
        installer: string;
        installerSecureboot: string;
        iso: string;
        isoSecureboot: string;
        kernel: string;
        kernelCommandLine: string;
        pxe: string;
        uki: string;
    }
}

export namespace machine {
    export interface BootstrapClientConfigurationWo {
        caCertificate: string;
        clientCertificate: string;
        clientKey: string;
    }

    export interface BootstrapTimeouts {
        create?: string;
    }

    export interface Certificate {
        cert: string;
        key: string;
    }

    export interface Certificates {
        etcd: outputs.machine.Certificate;
        k8s: outputs.machine.Certificate;
        k8sAggregator: outputs.machine.Certificate;
        k8sServiceaccount: outputs.machine.Key;
        os: outputs.machine.Certificate;
    }

    export interface ClientConfiguration {
        caCertificate: string;
        clientCertificate: string;
        clientKey: string;
    }

    export interface Cluster {
        id: string;
        secret: string;
    }

    export interface ConfigurationApplyClientConfigurationWo {
        caCertificate: string;
        clientCertificate: string;
        clientKey: string;
    }

    export interface ConfigurationApplyOnDestroy {
        graceful: boolean;
        reboot: boolean;
        reset: boolean;
    }

    export interface Key {
        key: string;
    }

    export interface KubernetesSecrets {
        aescbcEncryptionSecret?: string;
        bootstrapToken: string;
        secretboxEncryptionSecret: string;
    }

    export interface MachineSecrets {
        certs: outputs.machine.Certificates;
        cluster: outputs.machine.Cluster;
        secrets: outputs.machine.KubernetesSecrets;
        trustdinfo: outputs.machine.TrustdInfo;
    }

    export interface Timeout {
        create?: string;
        delete?: string;
        update?: string;
    }

    export interface TrustdInfo {
        token: string;
    }
}
