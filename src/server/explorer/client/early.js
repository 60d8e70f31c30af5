// Inlined in the workflow page's <head> (the page's CSP allows it by its hash): starts the
// execution's API request while the page's modules load, rather than after them. workflow.js
// takes the response through api.js; a 401 is handled there as for any other request.
(() => {
  const id = /^\/workflow-executions\/([^/]+)$/.exec(location.pathname)?.[1];
  if (id === undefined) return;
  const path = `/api/workflow-executions/${id}`;
  const key = sessionStorage.getItem("execlens.apiKey");
  const response = fetch(path, { headers: key === null ? {} : { authorization: `Bearer ${key}` } });
  response.catch(() => undefined); // a failure is seen by whoever takes it
  Object.assign(globalThis, { execlensEarly: { path, response } });
})();
