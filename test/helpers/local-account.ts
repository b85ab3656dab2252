// Shared test plumbing: a local IAM endpoint per test and a requester pointed at it.
import { makeIamClient } from "../../rules/accounts/accounts";
import { IamRequester, makeIamRequester } from "../../rules/iam/iam-requester";
import { ProviderSettings } from "../../rules/accounts/provider-settings";
import { DEFAULT_SETTINGS, PackSettings } from "../../rules/config/settings";
import { AccountFile } from "../../tools/local-iam/account-file";
import { LocalIam, startLocalIam } from "../../tools/local-iam/server";

export const TEST_CREDENTIALS = { accessKeyId: "AKIDEXAMPLETESTONLY0", secretAccessKey: "test-secret-not-real" };

export function settingsFor(iam: LocalIam, label = "provider test"): ProviderSettings {
    return { region: "us-east-1", iamEndpoint: iam.url, stsEndpoint: iam.url, staticCredentials: TEST_CREDENTIALS, assumeRoles: [], label };
}

export function requesterFor(iam: LocalIam, settings: Partial<PackSettings> = {}): IamRequester {
    const merged = { ...DEFAULT_SETTINGS, maxAttempts: 3, ...settings };
    return makeIamRequester(makeIamClient(settingsFor(iam), TEST_CREDENTIALS, merged), {
        maxInFlight: merged.maxInFlight,
        timeoutMs: merged.requestTimeoutMs,
    });
}

/** Starts an endpoint for each test of the suite and closes it after. */
export function withLocalIam(account: () => AccountFile): { iam: () => LocalIam } {
    let current: LocalIam | undefined;
    beforeEach(async () => {
        current = await startLocalIam(account());
    });
    afterEach(async () => {
        await current?.close();
        current = undefined;
    });
    return { iam: () => current! };
}

/** A provider as the policy SDK hands it to a validation: props are the provider's inputs, lists as JSON strings. */
export function providerFor(iam: LocalIam, name = "default_7_0_0") {
    return {
        type: "pulumi:providers:aws",
        name,
        urn: `urn:pulumi:dev::proj::pulumi:providers:aws::${name}`,
        props: {
            region: "us-east-1",
            endpoints: JSON.stringify([{ iam: iam.url, sts: iam.url }]),
            accessKey: TEST_CREDENTIALS.accessKeyId,
            secretKey: TEST_CREDENTIALS.secretAccessKey,
            skipCredentialsValidation: "true",
        },
    };
}
