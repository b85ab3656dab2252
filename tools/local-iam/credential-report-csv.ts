// The credential report as IAM writes it (docs/reading-iam.md): root row first, users sorted case-insensitively,
// `+00:00` timestamps, `N/A` / `no_information` / `not_supported`, no trailing newline.
import { UserState } from "./account-file";

export const REPORT_COLUMNS = [
    "user",
    "arn",
    "user_creation_time",
    "password_enabled",
    "password_last_used",
    "password_last_changed",
    "password_next_rotation",
    "mfa_active",
    "access_key_1_active",
    "access_key_1_last_rotated",
    "access_key_1_last_used_date",
    "access_key_1_last_used_region",
    "access_key_1_last_used_service",
    "access_key_2_active",
    "access_key_2_last_rotated",
    "access_key_2_last_used_date",
    "access_key_2_last_used_region",
    "access_key_2_last_used_service",
    "cert_1_active",
    "cert_1_last_rotated",
    "cert_2_active",
    "cert_2_last_rotated",
];

export function reportTime(date: Date): string {
    return date.toISOString().replace(/\.\d{3}Z$/, "+00:00");
}

function csvField(value: string): string {
    return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

function keyColumns(user: UserState, slot: number): string[] {
    // Slots follow creation order; `last_rotated` is the key's CreateDate (how a reader maps slot to key ID).
    const key = [...user.accessKeys].sort((a, b) => a.created.getTime() - b.created.getTime())[slot];
    if (!key) return ["false", "N/A", "N/A", "N/A", "N/A"];
    const used = key.lastUsed;
    return [
        String(key.status === "Active"),
        reportTime(key.created),
        used ? reportTime(used.date) : "N/A",
        used?.region ?? "N/A",
        used ? (used.service ?? "N/A") : "N/A",
    ];
}

function userRow(user: UserState, accountId: string): string[] {
    const profile = user.loginProfile;
    return [
        user.userName,
        `arn:aws:iam::${accountId}:user${user.path}${user.userName}`,
        reportTime(user.created),
        String(Boolean(profile)),
        profile ? (user.passwordLastUsed ? reportTime(user.passwordLastUsed) : "no_information") : "N/A",
        profile ? reportTime(profile.created) : "N/A",
        "N/A",
        "false",
        ...keyColumns(user, 0),
        ...keyColumns(user, 1),
        "false",
        "N/A",
        "false",
        "N/A",
    ];
}

function rootRow(accountId: string, created: Date): string[] {
    return [
        "<root_account>",
        `arn:aws:iam::${accountId}:root`,
        reportTime(created),
        "not_supported",
        "no_information",
        "not_supported",
        "not_supported",
        "true",
        "false",
        "N/A",
        "N/A",
        "N/A",
        "N/A",
        "false",
        "N/A",
        "N/A",
        "N/A",
        "N/A",
        "false",
        "N/A",
        "false",
        "N/A",
    ];
}

export function credentialReportCsv(users: UserState[], accountId: string, rootCreated: Date): string {
    const byName = (u: UserState) => u.userName.toLowerCase();
    const sorted = [...users].sort((a, b) => (byName(a) < byName(b) ? -1 : byName(a) > byName(b) ? 1 : 0));
    const rows = [REPORT_COLUMNS, rootRow(accountId, rootCreated), ...sorted.map(u => userRow(u, accountId))];
    return rows.map(row => row.map(csvField).join(",")).join("\n");
}
