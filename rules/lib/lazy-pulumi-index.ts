// Start-up: @pulumi/policy requires the whole @pulumi/pulumi index only to use its `asset` classes when
// deserializing resource properties. That index loads Pulumi's closure serializer and npm's arborist:
// about 400 ms and 500 modules, paid at every `pulumi preview` before the pack can print its port.
// This installs a stand-in for the index that serves `asset` from its own light module and loads the real
// index on first use of anything else, so behaviour is unchanged. Import it before @pulumi/policy.
import Module from "node:module";

const indexPath = require.resolve("@pulumi/pulumi");
if (!require.cache[indexPath]) {
    let real: Record<string | symbol, unknown> | undefined;
    const loadReal = () => {
        if (!real) {
            delete require.cache[indexPath];
            real = require(indexPath) as Record<string | symbol, unknown>;
        }
        return real;
    };
    const standIn = new Module(indexPath);
    standIn.filename = indexPath;
    standIn.loaded = true;
    standIn.exports = new Proxy({} as Record<string | symbol, unknown>, {
        get: (_, property) => {
            if (property === "asset") return require("@pulumi/pulumi/asset");
            if (property === "__esModule") return true;
            return loadReal()[property];
        },
        has: (_, property) => property in loadReal(),
        ownKeys: () => Reflect.ownKeys(loadReal()),
        getOwnPropertyDescriptor: (_, property) => Reflect.getOwnPropertyDescriptor(loadReal(), property),
    });
    require.cache[indexPath] = standIn;
}
