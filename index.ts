// Order matters: this start-up measure runs before @pulumi/policy loads.
import "./rules/lib/lazy-pulumi-index";
import { PolicyPack } from "@pulumi/policy";
import { PACK_NAME, policies } from "./rules/policies";

new PolicyPack(PACK_NAME, { policies });
