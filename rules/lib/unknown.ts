// Values unknown during preview: the policy SDK's proxy throws UnknownValueError when a validation reads one.
// Its typings declare nothing (`export {}`), hence the one untyped require of the pack.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { UnknownValueError } = require("@pulumi/policy/proxy") as { UnknownValueError: new (...args: never[]) => Error };

/** Whether reading a value threw because the value is not known during preview. */
export function isUnknownValue(error: unknown): error is Error {
    return error instanceof UnknownValueError;
}

export const UNKNOWN = Symbol("unknown during preview");

/** Reads one value; UNKNOWN instead of a throw when it is not known during preview. */
export function readKnown<T>(read: () => T): T | typeof UNKNOWN {
    try {
        return read();
    } catch (error) {
        if (isUnknownValue(error)) return UNKNOWN;
        throw error;
    }
}
