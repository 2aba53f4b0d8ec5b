-- The tables connect.sql reads, from `policygraph export --format csv --out DIR`
-- (run with psql in DIR: psql "$DSN" -f load.sql). An empty CSV field is NULL.
DROP TABLE IF EXISTS edges, nodes;
CREATE TABLE nodes (id text PRIMARY KEY, kind text, name text, category text, stage text, level text,
  code text, english text, aliases text, depth text);
CREATE TABLE edges (id text PRIMARY KEY, source text NOT NULL, target text NOT NULL, source_name text,
  target_name text, relation text NOT NULL, inferred boolean, via text, facts int, evidence text,
  document text, section text, rule text);
\copy nodes FROM 'nodes.csv' WITH (FORMAT csv, HEADER true)
\copy edges FROM 'edges.csv' WITH (FORMAT csv, HEADER true)
-- The walks go from a place to what points at it (target), and from a place
-- to its containers (source); the first covers what connect.sql reads of an
-- edge, so that PostgreSQL answers from the index alone.
CREATE INDEX edges_target ON edges (target, relation) INCLUDE (source, via);
CREATE INDEX edges_source ON edges (source, relation);
CREATE INDEX nodes_name ON nodes (name);
CREATE INDEX nodes_level ON nodes (level);
VACUUM ANALYZE nodes;
VACUUM ANALYZE edges;
