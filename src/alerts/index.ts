export { AlertmanagerNotifier, type AlertmanagerOptions } from "./alertmanager.js";
