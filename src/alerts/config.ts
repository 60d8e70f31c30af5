import { z } from "zod";
import { type ConfigOf, optionalSetting } from "../model/index.js";

export const alertSettings = {
  alertmanagerUrl: optionalSetting({
    env: "EXECLENS_ALERTMANAGER_URL",
    flag: "alertmanager-url",
    schema: z.url(),
    unset: "no alerts pushed",
    help: "post each failed or timed-out execution to this Alertmanager",
  }),
};

export type AlertConfig = ConfigOf<typeof alertSettings>;
