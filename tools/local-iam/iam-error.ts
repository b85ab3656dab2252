// IAM's errors as the local endpoint sends them: an HTTP status, IAM's code and message, Sender or Receiver.
export class IamError extends Error {
    constructor(
        readonly status: number,
        readonly code: string,
        message: string | undefined,
        readonly type: "Sender" | "Receiver" = "Sender",
    ) {
        super(message);
    }
    get bodyMessage(): string | undefined {
        return this.message === "" ? undefined : this.message;
    }
}

export const validationError = (detail: string) => new IamError(400, "ValidationError", `1 validation error detected: ${detail}`);
export const noSuchUser = (name: string) => new IamError(404, "NoSuchEntity", `The user with name ${name} cannot be found.`);
