// graphiql.js is the /graphiql page: GraphiQL (React) bundled from the npm
// registry with the rest of the page, so that it loads with no request to
// any host but this server. It is built by build.mjs into
// dist/static/graphiql.{js,css} and dist/graphiql.html.
import { createElement } from 'react';
import { createRoot } from 'react-dom/client';
import { GraphiQL } from 'graphiql';
import 'graphiql/style.css';

// The first query a new visitor sees: one that answers on the seed.
const defaultQuery = `# policygraph's GraphQL API. Ctrl-Enter runs the query; the docs are on the left.
{
  connect(a: "成都", b: "资阳") {
    name
    stage
    category
  }
}
`;

// fetcher posts each operation to this server's /graphql, with the headers
// typed in GraphiQL's header editor (a bearer token for writes, say).
async function fetcher(params, opts = {}) {
  const res = await fetch(new URL('graphql', location.href), {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json', ...(opts.headers || {}) },
    body: JSON.stringify(params),
  });
  return res.json();
}

const root = document.getElementById('graphiql');
createRoot(root).render(createElement(GraphiQL, { fetcher, defaultQuery }));
