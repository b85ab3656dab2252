import { PolicyPack } from "@pulumi/policy";
import { PACK_NAME, policies } from "./rules/policies";

new PolicyPack(PACK_NAME, { policies });
