export { explorerRoutes } from "./routes.js";
