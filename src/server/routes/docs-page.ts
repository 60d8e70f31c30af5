/** A dependency-free page that lists the routes of /api/openapi.json with their parameters. */
export const DOCS_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>execlens API</title>
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}
code{background:#f3f3f3;padding:0 .25rem}h2{margin-top:2rem;font-size:1.05rem}li{margin:.2rem 0}.m{font-weight:700;text-transform:uppercase}</style>
</head><body><h1>execlens query API</h1>
<p>Machine-readable: <a href="/api/openapi.json">/api/openapi.json</a> (OpenAPI 3.0). Send <code>Authorization: Bearer &lt;key&gt;</code> when API keys are configured.</p>
<div id="routes">Loading…</div>
<script>
fetch("/api/openapi.json").then(r => r.json()).then(doc => {
  const out = [];
  for (const [path, ops] of Object.entries(doc.paths)) for (const [method, op] of Object.entries(ops)) {
    const params = (op.parameters || []).map(p => "<li><code>" + p.name + "</code> (" + p.in + ")" + (p.description ? ": " + p.description : "") + "</li>").join("");
    out.push("<h2><span class=m>" + method + "</span> <code>" + path + "</code></h2><p>" + (op.summary || "") + "</p>" + (params ? "<ul>" + params + "</ul>" : ""));
  }
  document.getElementById("routes").innerHTML = out.join("");
});
</script></body></html>`;
