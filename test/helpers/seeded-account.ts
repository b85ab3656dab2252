// The account the real-CLI specs seed for test/programs/cli/seeded: what its users hold in IAM, and what the pack says.
import { AccountFile } from "../../tools/local-iam/account-file";

/** The seeded account: what the `seeded` program's users hold in IAM. */
export const SEEDED: AccountFile = {
    accountId: "111122223333",
    users: [
        {
            userName: "alice-stale-key",
            accessKeys: [
                {
                    accessKeyId: "AKIAALICESTALE000001",
                    created: { daysAgo: 400 },
                    lastUsed: { daysAgo: 120, service: "s3", region: "eu-west-1" },
                },
            ],
        },
        { userName: "bob-never-used-key", accessKeys: [{ accessKeyId: "AKIABOBNEVERUSED0001", created: { daysAgo: 200 } }] },
        {
            userName: "carol-fresh-key",
            accessKeys: [{ accessKeyId: "AKIACAROLFRESH000001", created: { daysAgo: 400 }, lastUsed: { daysAgo: 1, service: "sts" } }],
        },
        { userName: "ivan-stale-password", loginProfile: { created: { daysAgo: 300 } }, passwordLastUsed: { daysAgo: 100 } },
        {
            userName: "paul-idle-80-days",
            accessKeys: [{ accessKeyId: "AKIAPAULIDLE80DAYS01", created: { daysAgo: 365 }, lastUsed: { daysAgo: 80, service: "lambda" } }],
        },
        { userName: "native-nina", loginProfile: { created: { daysAgo: 200 } } },
    ],
};

export const SEEDED_VERDICTS = [
    "advisory iam-user-credential-unused-soon paul-idle-80-days",
    "mandatory iam-user-unused-access-key alice-stale-key",
    "mandatory iam-user-unused-access-key bob-never-used-key",
    "mandatory iam-user-unused-password ivan-stale-password",
    "mandatory iam-user-unused-password nina",
];
