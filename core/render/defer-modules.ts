/**
 * `require("@pulumi/pulumi")` loads the TypeScript compiler (for closure
 * serialization: dynamic providers, callback functions) and npm's Arborist
 * (the Automation API's plugin handling, closure package paths) up front,
 * though an offline render uses neither: 0.35 s of the 0.55 s of CPU that
 * importing @pulumi/pulumi costs, paid by every `npm run render`, every
 * render:diff child and every test process.
 *
 * Installed before @pulumi/pulumi loads (the harness imports this module
 * first), the SDK gets a stand-in for each of the two that loads the real
 * module on first use and forwards to it, so whatever does use them works as
 * before. Only requests made from @pulumi/pulumi's own files are deferred.
 */
import Module from "node:module";

const DEFERRED = new Set(["typescript", "@npmcli/arborist"]);
const FROM_PULUMI = /[\\/]node_modules[\\/]@pulumi[\\/]pulumi[\\/]/;
const INSTALLED = Symbol.for("homelab:deferPulumiDependencies");

type Load = (request: string, parent: { filename?: string | null } | undefined, isMain: boolean) => unknown;

export function deferUnusedPulumiDependencies(): void {
  const loader = Module as unknown as { _load: Load; [INSTALLED]?: true };
  if (loader[INSTALLED]) return;
  loader[INSTALLED] = true;
  const load = loader._load;
  loader._load = function (request, parent, isMain) {
    if (!DEFERRED.has(request) || !FROM_PULUMI.test(parent?.filename ?? "")) return load.call(this, request, parent, isMain);
    let real: Record<PropertyKey, unknown> | undefined;
    const target = (): Record<PropertyKey, unknown> => (real ??= load.call(this, request, parent, isMain) as Record<PropertyKey, unknown>);
    // The SDK's compiled imports (`__importStar`) read `__esModule` at once: say
    // yes without loading, and hand out the CommonJS module itself as
    // `default`, which is what __importStar would have made of it.
    return new Proxy({} as Record<PropertyKey, unknown>, {
      get: (_t, key) => (key === "__esModule" ? true : key === "default" && !target()["__esModule"] ? target() : target()[key]),
      has: (_t, key) => key in target(),
      ownKeys: () => Reflect.ownKeys(target()),
      getOwnPropertyDescriptor: (_t, key) => {
        // Node's and tsx's marker of an ES module loaded by require(), which
        // these two CommonJS packages never carry; tsx asks on every require.
        if (key === "module.exports") return undefined;
        const d = Object.getOwnPropertyDescriptor(target(), key);
        return d && { ...d, configurable: true };
      },
    });
  };
}

deferUnusedPulumiDependencies();
