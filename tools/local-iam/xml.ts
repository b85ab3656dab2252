// IAM's Query-protocol response envelopes, byte for byte in the shape real IAM sends (docs/reading-iam.md).

export const IAM_XMLNS = "https://iam.amazonaws.com/doc/2010-05-08/";

/** An XML element: a text leaf, a list of child elements, or a self-closed empty list. */
export type XmlNode = { name: string; text: string } | { name: string; children: XmlNode[] };

export function leaf(name: string, value: string | number | boolean | Date): XmlNode {
    const text = value instanceof Date ? isoSeconds(value) : String(value);
    return { name, text };
}

export function node(name: string, children: (XmlNode | undefined)[]): XmlNode {
    return { name, children: children.filter((c): c is XmlNode => c !== undefined) };
}

/** `<Users><member>…</member></Users>`; an empty list is `<Users/>`. */
export function list(name: string, members: XmlNode[][]): XmlNode {
    return node(
        name,
        members.map(children => node("member", children)),
    );
}

export function isoSeconds(date: Date): string {
    return date.toISOString().replace(/\.\d{3}Z$/, "Z");
}

function escapeXml(text: string): string {
    return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function render(n: XmlNode, depth: number, out: string[]): void {
    const pad = "  ".repeat(depth);
    if ("text" in n) {
        out.push(`${pad}<${n.name}>${escapeXml(n.text)}</${n.name}>`);
    } else if (n.children.length === 0) {
        out.push(`${pad}<${n.name}/>`);
    } else {
        out.push(`${pad}<${n.name}>`);
        for (const child of n.children) render(child, depth + 1, out);
        out.push(`${pad}</${n.name}>`);
    }
}

/** `<OpResponse xmlns=…><OpResult>…</OpResult><ResponseMetadata><RequestId>…` with no `<?xml?>` line. */
export const STS_XMLNS = "https://sts.amazonaws.com/doc/2011-06-15/";

export function successEnvelope(action: string, result: XmlNode[], requestId: string, xmlns = IAM_XMLNS): string {
    const body = [node(`${action}Result`, result), node("ResponseMetadata", [leaf("RequestId", requestId)])];
    const out: string[] = [`<${action}Response xmlns="${xmlns}">`];
    for (const child of body) render(child, 1, out);
    out.push(`</${action}Response>`);
    return out.join("\n") + "\n";
}

/** `<ErrorResponse>` with `RequestId` beside `<Error>`; the report errors carry no `<Message>`. */
export function errorEnvelope(
    type: "Sender" | "Receiver",
    code: string,
    message: string | undefined,
    requestId: string,
    xmlns = IAM_XMLNS,
): string {
    const error = node("Error", [leaf("Type", type), leaf("Code", code), message === undefined ? undefined : leaf("Message", message)]);
    const out: string[] = [`<ErrorResponse xmlns="${xmlns}">`];
    render(error, 1, out);
    render(leaf("RequestId", requestId), 1, out);
    out.push("</ErrorResponse>");
    return out.join("\n") + "\n";
}
