// api.js talks to the public GraphQL API at /graphql, nothing else.

// gql runs one query; GraphQL errors throw an Error whose errors are the
// server's (errors.js says them once, in the page's language), with the
// first distinct message and extensions.code; a failed fetch throws one
// with code NETWORK.
export async function gql(query, variables = {}) {
  let res;
  try {
    res = await fetch('graphql', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ query, variables }),
    });
  } catch (cause) {
    const err = new Error(`/graphql: ${cause.message}`);
    err.code = 'NETWORK';
    throw err;
  }
  let body = null;
  try {
    body = await res.json();
  } catch {
    const err = new Error(`HTTP ${res.status} from /graphql`);
    err.code = res.status === 429 ? 'RATE_LIMITED' : res.status === 503 ? 'BUSY' : 'INTERNAL';
    throw err;
  }
  if (body.errors && body.errors.length) {
    const messages = [...new Set(body.errors.map((e) => e.message))];
    const err = new Error(messages.length > 1 ? `${messages[0]} (+${messages.length - 1})` : messages[0]);
    err.code = body.errors[0].extensions && body.errors[0].extensions.code;
    err.errors = body.errors;
    throw err;
  }
  return body.data;
}

// N is what the page draws for a node.
const N = `fragment N on Entity { id name kind ... on Initiative { stage category documents { id year } } ... on Place { level lon lat english } }`;

// L is N without an initiative's documents, for the ends of a connect
// answer's ties: the initiative comes with them once, from N, and asking
// them again on every tie made the answer on 200 reports 14 MB and 8 s.
const L = `fragment L on Entity { id name kind ... on Initiative { stage category } ... on Place { level lon lat english } }`;

export const SEARCH = `query Search($text: String!) { search(text: $text, first: 8) { id name kind aliases } }`;

// MAP_PLACES are the prefecture seats the map shows faintly, for orientation.
export const MAP_PLACES = `query MapPlaces { places(filter: {level: PREFECTURE}, first: 500) { nodes { id name english lon lat } } }`;

export const DOCUMENTS = `query Documents { documents { id name title year } }`;

export const RESOLVE = `query Resolve($name: String!) { resolve(name: $name) { ...N } } ${N}`;

// CONNECT asks for the ties of the first 200 initiatives that connect a
// and b, and for every one of them by name (all) for the table under the
// picture: on 1,000 generated reports 成都 and 资阳 have 534, and their
// ties would make the answer tens of megabytes.
export const CONNECT = `query Connect($a: String!, $b: String!) {
  a: resolve(name: $a) { ...N }
  b: resolve(name: $b) { ...N }
  all: connect(a: $a, b: $b) { id name kind stage category }
  connections(a: $a, b: $b, first: 200) {
    reach
    initiative { ...N }
    a { ...T }
    b { ...T }
  }
}
fragment T on Tie { relation target { ...L } via { ...L } fact { id relation inferred from { ...L } to { ...L } } }
${N}
${L}`;

export const PATHS = `query Paths($a: String!, $b: String!) {
  a: resolve(name: $a) { ...N }
  b: resolve(name: $b) { ...N }
  paths(from: $a, to: $b, maxHops: 4, first: 10) {
    length
    nodes { ...N }
    edges { from to relation inferred }
  }
}
${N}`;

export const NEIGHBOURHOOD = `query Neighbourhood($of: String!, $first: Int!) {
  neighbourhood(of: $of, hops: 1, first: $first) {
    truncated
    nodes { id label kind depth }
    edges { id source target relation }
  }
}`;

export const CHANGES = `query Changes($place: String!, $from: Int!, $to: Int!) {
  place: resolve(name: $place) { ...N }
  changes(place: $place, from: $from, to: $to, first: 500) {
    kind before after
    initiative { ...N }
    evidence { text document { id title year } }
  }
}
${N}`;

export const DEPENDENCIES = `query Dependencies($body: String!) {
  body: resolve(name: $body) { ...N }
  dependencies(body: $body, first: 200) {
    a { ...N } aBodies { id name kind }
    b { ...N } bBodies { id name kind }
    shared { ...N } sharedRelation bRelation sharedBy
  }
}
${N}`;

// nodesQuery asks for the drawn fields of many nodes at once, one alias each.
export function nodesQuery(ids) {
  const vars = ids.map((_, i) => `$i${i}: ID!`).join(', ');
  const fields = ids.map((_, i) => `n${i}: node(id: $i${i}) { ...N }`).join('\n');
  const variables = {};
  ids.forEach((id, i) => { variables[`i${i}`] = id; });
  return { query: `query Nodes(${vars}) {\n${fields}\n}\n${N}`, variables };
}

const EV = `fragment EV on Evidence { document { id name title year } section paragraph sentence start end text sentenceStart }`;

export const DETAIL = `query Detail($id: ID!) {
  node(id: $id) {
    id name kind aliases
    evidence(first: 20) { ...EV }
    facts(first: 100) { id relation inferred rule from { id name kind } to { id name kind } via { id name } evidence { ...EV } }
    ... on Initiative {
      category stage
      timeline { stage cue year document { id name title } evidence { ...EV } }
      places { id name kind }
      bodies { body { id name kind } role inferred rule }
      programmes { id name kind }
      targets { id name kind }
      documents { id name title year }
    }
    ... on Place { level code english pinyin parent { id name kind } members { id name kind } }
    ... on Body { type }
    ... on Programme { type }
    ... on Target { metric value unit comparator year owners { id name kind } }
    ... on Document { title year issuer }
  }
}
${EV}`;
