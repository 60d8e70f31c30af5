export { type ApiOptions, createApiApp } from "./api.js";
