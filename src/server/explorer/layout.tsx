/** @jsxRuntime automatic @jsxImportSource hono/jsx */
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
  /** A classic script run inline in <head>, before the modules load (its hash is in the page's CSP). */
  readonly inlineScript?: string;
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
      {/* first: a script after a stylesheet waits for it to load */}
      {props.inlineScript === undefined ? null : (
        <script dangerouslySetInnerHTML={{ __html: props.inlineScript }} />
      )}
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
          <Logo />
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

/** icon.svg, inline: one request fewer before the first paint. */
const Logo: FC = () => (
  <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32" width="20" height="20" aria-hidden="true">
    <rect width="32" height="32" rx="7" fill="#1f4fd1" />
    <rect x="6" y="8" width="14" height="4" rx="2" fill="#fff" />
    <rect x="10" y="14" width="16" height="4" rx="2" fill="#9fc0ff" />
    <rect x="14" y="20" width="9" height="4" rx="2" fill="#fff" />
  </svg>
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
