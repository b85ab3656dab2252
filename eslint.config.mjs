// Lint: typescript-eslint's type-aware recommended rules, with Prettier owning the layout (`npm run lint`).
import js from "@eslint/js";
import tseslint from "typescript-eslint";
import prettier from "eslint-config-prettier";

export default tseslint.config(
    {
        ignores: [
            "bin/",
            "dist/",
            "release/",
            "node_modules/",
            "test/programs/node_modules/",
            "test/programs/bin/",
            "test/fixtures/",
            "reports/",
            ".stryker-tmp/",
            "**/*.mjs",
        ],
    },
    js.configs.recommended,
    ...tseslint.configs.recommendedTypeChecked,
    prettier,
    {
        languageOptions: {
            parserOptions: {
                projectService: { allowDefaultProject: ["*.js", "tools/*.js", "test/programs/*.js", "test/bench/*.js"] },
                tsconfigRootDir: import.meta.dirname,
            },
        },
        rules: {
            // Prettier wraps code at 140; a string or comment may run on to 160, never further.
            "max-len": ["error", { code: 160, ignoreUrls: true, ignoreRegExpLiterals: true }],
            // A caught error is unknown until it is looked at; rethrowing it as it came is not a smell.
            "@typescript-eslint/prefer-promise-reject-errors": ["error", { allowThrowingUnknown: true }],
            "@typescript-eslint/no-unused-vars": [
                "error",
                { argsIgnorePattern: "^_", varsIgnorePattern: "^_", destructuredArrayIgnorePattern: "^_" },
            ],
        },
    },
    // Specs match printed layout, two spaces and all, and quote whole messages.
    {
        files: ["test/**/*.ts"],
        rules: {
            "no-regex-spaces": "off",
            "max-len": [
                "error",
                { code: 160, ignoreUrls: true, ignoreRegExpLiterals: true, ignoreStrings: true, ignoreTemplateLiterals: true },
            ],
        },
    },
    {
        files: ["**/*.js"],
        ...tseslint.configs.disableTypeChecked,
        rules: { ...tseslint.configs.disableTypeChecked.rules, "@typescript-eslint/no-require-imports": "off" },
        languageOptions: {
            globals: {
                require: "readonly",
                module: "writable",
                process: "readonly",
                __dirname: "readonly",
                console: "readonly",
                Buffer: "readonly",
                setInterval: "readonly",
            },
        },
    },
);
