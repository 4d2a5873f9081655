/**
 * Proxmox VE provider answers: VMs report their numeric id and the MAC
 * addresses of their NICs; downloads are known by their volume id
 * (`<datastore>:<content>/<file>`), which is what a VM disk imports.
 */
import { stableNumber, type ProviderMocks } from "./types";

export const proxmoxMocks: ProviderMocks = {
  resources: {
    "proxmoxve:index/vmLegacy:VmLegacy": (args) => {
      const vmId = (args.inputs["vmId"] as number | undefined) ?? 100 + stableNumber(args.name, 899_900);
      const nics = (args.inputs["networkDevices"] as { macAddress?: string }[] | undefined) ?? [];
      return {
        id: String(vmId),
        state: {
          vmId,
          macAddresses: nics.map((n, i) => n.macAddress ?? `bc:24:11:00:${(vmId % 256).toString(16).padStart(2, "0")}:${i.toString(16).padStart(2, "0")}`),
          networkInterfaceNames: ["lo", ...nics.map((_, i) => `ens${18 + i}`)],
          ipv4Addresses: [["127.0.0.1"], []],
          ipv6Addresses: [["::1"], []],
        },
      };
    },
    "proxmoxve:download/file:File": (args) => {
      const datastore = String(args.inputs["datastoreId"]);
      const content = String(args.inputs["contentType"]);
      const url = String(args.inputs["url"] ?? "");
      const fileName = String(args.inputs["fileName"] ?? url.split("/").pop());
      return { id: `${datastore}:${content}/${fileName}`, state: { fileName, size: 1_289_748_480 } };
    },
  },
  invokes: {},
};
