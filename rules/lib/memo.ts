// The memoized per-key promise: the first caller for a key starts the work, every later caller shares it.

export class Memo<V> {
    private readonly values = new Map<string, V>();

    /** The value for `key`, made by `make` the first time it is asked for. */
    get(key: string, make: () => V): V {
        let value = this.values.get(key);
        if (value === undefined) {
            value = make();
            this.values.set(key, value);
        }
        return value;
    }
}
