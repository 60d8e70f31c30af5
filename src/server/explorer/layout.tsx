import type { Child, FC } from "hono/jsx";
import type { Asset } from "./assets.js";

/** The pages of the explorer: which header link is current, and which client module runs. */
export type PageName = "executions" | "overview" | "workflow" | "skill";

const NAV: ReadonlyArray<{ href: string; label: string; current: readonly PageName[] }> = [
  { href: "/", label: "Executions", current: ["executions", "workflow", "skill"] },
  { href: "/overview", label: "Overview", current: ["overview"] },
  { href: "/api/docs", label: "API", current: [] },
];

export interface LayoutProps {
  readonly page: PageName;
  readonly title: string;
  /** The page's client module (`list.js`); its imports are preloaded beside it. */
  readonly module: Asset;
  readonly children: Child;
}

/**
 * The shell every page shares. It carries no data: pages are public, and everything shown comes
 * from /api/* in the browser, with the key the user gave (see api.js).
 */
export const Layout: FC<LayoutProps> = (props) => (
  <html lang="en">
    <head>
      <meta charset="utf-8" />
      <meta name="viewport" content="width=device-width, initial-scale=1" />
      <meta name="color-scheme" content="light dark" />
      <title>{`${props.title} · execlens`}</title>
      <link rel="icon" href="/explorer/icon.svg" type="image/svg+xml" />
      <link rel="stylesheet" href="/explorer/explorer.css" />
      {props.module.imports.map((name) => (
        <link rel="modulepreload" href={`/explorer/${name}`} />
      ))}
      <script type="module" src={`/explorer/${props.module.name}`} />
    </head>
    <body>
      <a class="skip-link" href="#main">
        Skip to content
      </a>
      <header class="site-header">
        <a class="brand" href="/">
          <img src="/explorer/icon.svg" alt="" width="20" height="20" />
          execlens
        </a>
        <nav aria-label="Explorer">
          <ul>
            {NAV.map((link) => (
              <li>
                <a href={link.href} aria-current={link.current.includes(props.page) ? "page" : undefined}>
                  {link.label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <button type="button" id="forget-key" class="quiet" hidden>
          Forget API key
        </button>
      </header>
      <main id="main" tabindex={-1}>
        {props.children}
      </main>
      <KeyDialog />
    </body>
  </html>
);

/** Asked for when the API answers 401; the key is kept in sessionStorage (this tab, until it closes). */
const KeyDialog: FC = () => (
  <dialog id="key-dialog" aria-labelledby="key-title" aria-describedby="key-help">
    <form id="key-form" method="dialog">
      <h2 id="key-title">API key required</h2>
      <p id="key-help">
        This execlens has API keys configured. Enter one to see the executions of its organisations; it is
        kept for this browser tab only.
      </p>
      <p id="key-error" class="error" role="alert" hidden />
      <label for="key-input">API key</label>
      <input id="key-input" name="key" type="password" autocomplete="off" spellcheck={false} required />
      <div class="actions">
        <button type="submit">Use this key</button>
      </div>
    </form>
  </dialog>
);

/** A page as sent: the doctype, then the rendered shell. */
export function documentOf(layout: Child): string {
  return `<!doctype html>${String(layout)}`;
}
