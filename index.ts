// Order matters: both start-up measures run before @pulumi/policy loads.
import "./rules/lib/lazy-pulumi-index";
import "./rules/lib/lean-heap";
import { PolicyPack } from "@pulumi/policy";
import { PACK_NAME, policies } from "./rules/policies";

new PolicyPack(PACK_NAME, { policies });
